"""File uploads."""
import os

from flask import Flask, request, send_file

app = Flask(__name__)
UPLOAD_DIR = "/srv/uploads"


@app.route("/upload", methods=["POST"])
def upload():
    file = request.files["file"]
    file.save(os.path.join(UPLOAD_DIR, file.filename))
    return "saved"


@app.route("/download")
def download():
    name = request.args.get("name")
    return send_file(os.path.join(UPLOAD_DIR, name))
