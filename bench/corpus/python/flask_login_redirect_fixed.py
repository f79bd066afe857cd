from urllib.parse import urlparse

from flask import Flask, redirect, request, session, url_for

from shop.auth import authenticate

app = Flask(__name__)


def is_safe_path(target):
    parsed = urlparse(target)
    return not parsed.scheme and not parsed.netloc and target.startswith("/")


@app.route("/login", methods=["POST"])
def login():
    if authenticate(request.form["username"], request.form["password"]):
        session["user"] = request.form["username"]
        next_url = request.args.get("next", "")
        return redirect(next_url if is_safe_path(next_url) else url_for("dashboard"))
    return redirect(url_for("login_form"))
