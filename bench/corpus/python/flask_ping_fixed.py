import ipaddress
import subprocess

from flask import Flask, request

app = Flask(__name__)


@app.route("/api/ping", methods=["POST"])
def ping():
    host = request.json.get("host")
    try:
        address = str(ipaddress.ip_address(host))
    except (TypeError, ValueError):
        return {"error": "host must be an IP address"}, 400
    result = subprocess.run(["ping", "-c", "3", address], capture_output=True, text=True)
    return {"output": result.stdout, "code": result.returncode}
