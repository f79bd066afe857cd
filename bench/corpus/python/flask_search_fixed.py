import sqlite3

from flask import Flask, jsonify, request

app = Flask(__name__)


def get_db():
    conn = sqlite3.connect("products.db")
    conn.row_factory = sqlite3.Row
    return conn


@app.route("/search")
def search():
    term = request.args.get("q", "")
    conn = get_db()
    cursor = conn.cursor()
    query = "SELECT id, name, price FROM products WHERE name LIKE ?"
    cursor.execute(query, (f"%{term}%",))
    rows = [dict(row) for row in cursor.fetchall()]
    conn.close()
    return jsonify(rows)
