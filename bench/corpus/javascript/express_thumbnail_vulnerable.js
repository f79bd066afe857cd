const express = require("express");
const { exec } = require("child_process");

const app = express();

app.get("/thumbnail", (req, res) => {
  const file = req.query.file;
  exec(`convert uploads/${file} -resize 200x200 thumbs/${file}`, (error) => {
    if (error) return res.status(500).send("conversion failed");
    res.sendStatus(201);
  });
});

module.exports = app;
