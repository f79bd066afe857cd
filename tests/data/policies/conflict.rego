package aicodeguard

import rego.v1

limit := 7
limit := 8

deny contains "never" if limit == 7
