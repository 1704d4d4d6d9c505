package ledger

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// policyRecord holds the keys of the policy records that verifiers re-check.
type policyRecord struct {
	Policy  *string `json:"policy"`
	Version *string `json:"version"`
	Hash    *string `json:"hash"`
	Content *string `json:"content"`
}

func decodePolicyRecord(r BundleRecord) (policyRecord, error) {
	var p policyRecord
	if err := json.Unmarshal(r.Record, &p); err != nil {
		return p, fmt.Errorf("the record of %s %s: %w", r.Type, r.ID, err)
	}
	if p.Policy == nil || p.Version == nil || p.Hash == nil || !isHexHash(*p.Hash) {
		return p, fmt.Errorf("the record of %s %s does not name its policy, version and a \"hash\" of 64 hex digits", r.Type, r.ID)
	}
	return p, nil
}

// checkPolicyVersion re-derives an approved version's hash from its text, so
// that the hash approvals and acceptances name is the hash of that text.
func checkPolicyVersion(_ string, r BundleRecord) error {
	p, err := decodePolicyRecord(r)
	if err != nil {
		return err
	}
	if p.Content == nil {
		return fmt.Errorf("the record of %s %s carries no \"content\"", r.Type, r.ID)
	}
	sum := sha256.Sum256([]byte(*p.Content))
	if hex.EncodeToString(sum[:]) != *p.Hash {
		return fmt.Errorf("policy %s %s: its content does not hash to the hash it states", *p.Policy, *p.Version)
	}
	return nil
}

func checkPolicyHash(_ string, r BundleRecord) error {
	_, err := decodePolicyRecord(r)
	return err
}

// checkAcceptedTexts holds every acceptance in a bundle to an approved text:
// a policy_version record of the same policy and version with the same hash.
// So a person's acceptance names words an auditor can read and whose approval
// the ledger holds.
func checkAcceptedTexts(records []BundleRecord) error {
	type version struct{ policy, version, hash string }
	approved := map[version]bool{}
	for _, r := range records {
		if r.Type == RecordTypePolicyVersion {
			if p, err := decodePolicyRecord(r); err == nil {
				approved[version{*p.Policy, *p.Version, *p.Hash}] = true
			}
		}
	}
	for _, r := range records {
		if r.Type != RecordTypePolicyAcceptance {
			continue
		}
		p, err := decodePolicyRecord(r)
		if err != nil {
			return err
		}
		if !approved[version{*p.Policy, *p.Version, *p.Hash}] {
			return fmt.Errorf("bundle: acceptance %s names %s %s with hash %s, but no approved policy version in the bundle has that text",
				r.ID, *p.Policy, *p.Version, *p.Hash)
		}
	}
	return nil
}
