from urllib.parse import urlparse

import httpx
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

app = FastAPI()
ALLOWED_HOSTS = {"example.com", "docs.example.com"}


class PreviewRequest(BaseModel):
    url: str


@app.post("/preview")
async def link_preview(body: PreviewRequest):
    parsed = urlparse(body.url)
    if parsed.scheme != "https" or parsed.hostname not in ALLOWED_HOSTS:
        raise HTTPException(status_code=400, detail="URL not allowed")
    async with httpx.AsyncClient(timeout=5) as client:
        response = await client.get(f"https://{parsed.hostname}{parsed.path}")
    return {"status": response.status_code, "html": response.text[:2000]}
