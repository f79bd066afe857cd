from defusedxml import ElementTree
from fastapi import FastAPI, UploadFile

app = FastAPI()


@app.post("/invoices/import")
async def import_invoice(file: UploadFile):
    data = await file.read()
    root = ElementTree.fromstring(data)
    return {"number": root.findtext("number"), "total": root.findtext("total")}
