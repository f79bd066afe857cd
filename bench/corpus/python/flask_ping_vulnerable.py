import subprocess

from flask import Flask, request

app = Flask(__name__)


@app.route("/api/ping", methods=["POST"])
def ping():
    host = request.json.get("host")
    if not host:
        return {"error": "host is required"}, 400
    result = subprocess.run(f"ping -c 3 {host}", shell=True, capture_output=True, text=True)
    return {"output": result.stdout, "code": result.returncode}
