const express = require("express");
const path = require("path");

const app = express();

app.get("/download", (req, res) => {
  const filePath = path.join(__dirname, "reports", req.query.name);
  res.sendFile(filePath);
});

module.exports = app;
