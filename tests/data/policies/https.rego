# Block a change unless the APIs it calls enforce HTTPS: deny every cleartext-HTTP finding
# (AIG902 plain-http-url, shown with `require-https = true` or `select = ["AIG", "AIG902"]`).
package aicodeguard

import rego.v1

deny contains {"msg": msg, "path": finding.location.path, "line": finding.location.line} if {
	some finding in input.findings
	finding.rule_id == "AIG902"
	msg := sprintf("APIs must be called over HTTPS: %s", [finding.message])
}
