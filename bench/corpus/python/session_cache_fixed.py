import json

import redis
from flask import Flask, request

app = Flask(__name__)
cache = redis.Redis(host="localhost", port=6379)


@app.route("/api/cart", methods=["PUT"])
def save_cart():
    cart = json.loads(request.get_data())
    cache.set(f"cart:{cart['user_id']}", json.dumps(cart))
    return {"items": len(cart["items"])}
