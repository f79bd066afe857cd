from fastapi import FastAPI, UploadFile
from lxml import etree

app = FastAPI()


@app.post("/invoices/import")
async def import_invoice(file: UploadFile):
    data = await file.read()
    parser = etree.XMLParser(resolve_entities=True)
    root = etree.fromstring(data, parser)
    return {"number": root.findtext("number"), "total": root.findtext("total")}
