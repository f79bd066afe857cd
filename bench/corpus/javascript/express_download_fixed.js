const express = require("express");
const path = require("path");

const app = express();

app.get("/download", (req, res) => {
  const name = path.basename(String(req.query.name));
  res.sendFile(name, { root: path.join(__dirname, "reports") });
});

module.exports = app;
