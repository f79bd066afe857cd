const express = require("express");

const router = express.Router();

router.get("/logout", (req, res) => {
  const target = String(req.query.returnTo || "/");
  req.session.destroy(() => {
    res.redirect(target.startsWith("/") && !target.startsWith("//") ? target : "/");
  });
});

module.exports = router;
