package catalog_test

// The Google Workspace connector's resource types and shipped tests
// (docs/connectors/google.md, catalog/tests/google.yaml).
func init() {
	resourceTypes = append(resourceTypes, "google.user", "google.domain")
	minTests["google"] = 7
}
