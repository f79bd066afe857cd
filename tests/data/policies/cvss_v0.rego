# The same policy in the older (OPA v0) syntax: `deny[msg] { ... }` without `if`/`contains`.
package aicodeguard

deny[msg] {
	finding := input.findings[_]
	finding.rule_id == "AIG609"
	is_number(finding.metadata.cvss)
	finding.metadata.cvss > 7
	msg := sprintf("%s %s has CVSS %.1f", [finding.metadata.package, finding.metadata.version, finding.metadata.cvss])
}
