import httpx
from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()


class PreviewRequest(BaseModel):
    url: str


@app.post("/preview")
async def link_preview(body: PreviewRequest):
    async with httpx.AsyncClient(timeout=5) as client:
        response = await client.get(body.url)
    return {"status": response.status_code, "html": response.text[:2000]}
