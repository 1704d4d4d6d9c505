package ui_test

import (
	"context"
	"testing"

	"github.com/attest-hq/attest/web/webtest"
)

var ctx = context.Background()

func TestMain(m *testing.M) { webtest.Main(m) }
