const express = require("express");
const mysql = require("mysql2");

const app = express();
const pool = mysql.createPool({ host: "localhost", user: "app", database: "shop" });

app.get("/users/:id", (req, res) => {
  const sql = "SELECT id, name, email FROM users WHERE id = ?";
  pool.query(sql, [req.params.id], (err, rows) => {
    if (err) return res.status(500).json({ error: "database error" });
    res.json(rows[0] || null);
  });
});

module.exports = app;
