import os

import requests

BASE_URL = "https://inventory.internal.example.com/api"


def fetch_items(page: int = 1):
    response = requests.get(
        f"{BASE_URL}/items",
        params={"page": page},
        headers={"Authorization": f"Bearer {os.environ['INVENTORY_TOKEN']}"},
        verify=os.environ.get("INVENTORY_CA_BUNDLE", True),
        timeout=10,
    )
    response.raise_for_status()
    return response.json()
