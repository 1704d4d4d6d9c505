package googletest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"strings"
	"sync"
)

// sharedKey is generated once per test binary: RSA key generation is slow,
// and most scenarios need a key but not a distinct one.
var sharedKey = sync.OnceValue(func() *rsa.PrivateKey { return NewKey() })

// NewKey generates a 2048-bit RSA key, the kind Google creates for service
// accounts.
func NewKey() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
}

// ServiceAccountKey returns a service account's JSON key file in the shape
// the Google Cloud console downloads: the private key as PKCS #8 PEM, the
// account's address and numeric client ID, and the token endpoint.
func ServiceAccountKey(email, clientID string, key *rsa.PrivateKey, tokenURI string) []byte {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		panic(err)
	}
	sum := sha256.Sum256(der)
	project := "attest-test"
	if _, host, ok := strings.Cut(email, "@"); ok {
		project, _, _ = strings.Cut(host, ".")
	}
	b, err := json.MarshalIndent(map[string]string{
		"type":                        "service_account",
		"project_id":                  project,
		"private_key_id":              hex.EncodeToString(sum[:20]),
		"private_key":                 string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		"client_email":                email,
		"client_id":                   clientID,
		"auth_uri":                    "https://accounts.google.com/o/oauth2/auth",
		"token_uri":                   tokenURI,
		"auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
		"client_x509_cert_url":        "https://www.googleapis.com/robot/v1/metadata/x509/" + strings.ReplaceAll(email, "@", "%40"),
		"universe_domain":             "googleapis.com",
	}, "", "  ")
	if err != nil {
		panic(err)
	}
	return b
}
