"""Talking to the internal inventory API."""
import requests

API_TOKEN = "sk_live_51HxQ2bK8vN3mP9rT4wY6zA1cE5fG7hJ"


def fetch_inventory(base_url):
    return requests.get(f"{base_url}/inventory", verify=False, timeout=10).json()


def fetch_public(url):
    return requests.get(url, timeout=10).json()
