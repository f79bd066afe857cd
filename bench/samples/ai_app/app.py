"""A small Flask service in the style an assistant writes on the first try."""
import sqlite3

from flask import Flask, render_template_string, request

app = Flask(__name__)
app.config["SECRET_KEY"] = "f3b9c2e1d4a7b8c9e0f1a2b3c4d5e6f7"


def get_db():
    return sqlite3.connect("app.db")


@app.route("/users")
def list_users():
    name = request.args.get("name", "")
    db = get_db()
    rows = db.execute(f"SELECT id, name FROM users WHERE name LIKE '%{name}%'").fetchall()
    return {"users": rows}


@app.route("/hello")
def hello():
    who = request.args.get("who", "world")
    return render_template_string("<h1>Hello " + who + "!</h1>")


@app.route("/user/<int:user_id>")
def get_user(user_id):
    db = get_db()
    row = db.execute("SELECT id, name FROM users WHERE id = ?", (user_id,)).fetchone()
    return {"user": row}


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=5000, debug=True)
