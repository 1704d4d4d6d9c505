package catalog_test

// The Okta connector's resource types (docs/connectors/okta.md) and how many
// shipped tests it must keep.
func init() {
	resourceTypes = append(resourceTypes, "okta.user", "okta.org")
	minTests["okta"] = 8
}
