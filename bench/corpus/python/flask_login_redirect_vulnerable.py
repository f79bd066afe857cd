from flask import Flask, redirect, request, session, url_for

from shop.auth import authenticate

app = Flask(__name__)


@app.route("/login", methods=["POST"])
def login():
    if authenticate(request.form["username"], request.form["password"]):
        session["user"] = request.form["username"]
        next_url = request.args.get("next", url_for("dashboard"))
        return redirect(next_url)
    return redirect(url_for("login_form"))
