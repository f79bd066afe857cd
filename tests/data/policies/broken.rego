package aicodeguard

import rego.v1

deny contains msg if {
	some finding in input.findings
	msg := finding.message
