module github.com/scamguard/scamguard

go 1.26.8

require (
	go.yaml.in/yaml/v3 v3.0.6
	golang.org/x/text v0.44.0
)
