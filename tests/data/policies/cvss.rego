# Deny a change that brings in a dependency with a known vulnerability scoring above 7.0
# (the pipelines' "high-risk libraries, defined as those with CVE scores above 7.0").
package aicodeguard

import rego.v1

max_cvss := 7.0

deny contains {"msg": msg, "path": finding.location.path, "line": finding.location.line} if {
	some finding in input.findings
	finding.rule_id in {"AIG609", "AIG610"}
	is_number(finding.metadata.cvss) # rego-cpp orders null above numbers; OPA does not
	finding.metadata.cvss > max_cvss
	msg := sprintf("%s %s: CVSS %.1f is above %.1f", [
		finding.metadata.package, finding.metadata.version, finding.metadata.cvss, max_cvss,
	])
}
