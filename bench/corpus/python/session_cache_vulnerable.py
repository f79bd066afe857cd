import pickle

import redis
from flask import Flask, request

app = Flask(__name__)
cache = redis.Redis(host="localhost", port=6379)


@app.route("/api/cart", methods=["PUT"])
def save_cart():
    cart = pickle.loads(request.get_data())
    cache.set(f"cart:{cart['user_id']}", pickle.dumps(cart))
    return {"items": len(cart["items"])}
