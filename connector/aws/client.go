package aws

import (
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// WithHTTPClient sends every call through client instead of the
// connector's own transport (the demo answers its AWS inside the process).
func WithHTTPClient(client *http.Client) Option { return func(k *Connector) { k.client = client } }

// useClient puts the client of WithHTTPClient in cfg, once the SDK has
// loaded it (with its own transport, which AWS_CA_BUNDLE configures).
func (c *Connector) useClient(cfg *aws.Config) {
	if c.client != nil {
		cfg.HTTPClient = c.client
	}
}
