package attest

import (
	"strings"
	"testing"
)

func TestValidateSSO(t *testing.T) {
	ok := SSOConfig{Issuer: " https://login.example.com/ ", ClientID: " web ", Domains: []string{"Example.com", "@example.com", " sub.example.com", ""},
		GroupsClaim: "groups", DefaultRole: RoleEmployee, GroupRoles: map[string]Role{"sec": RoleAdmin}}
	if err := ValidateSSO(&ok); err != nil {
		t.Fatal(err)
	}
	if ok.Issuer != "https://login.example.com/" || ok.ClientID != "web" || strings.Join(ok.Domains, ",") != "example.com,sub.example.com" {
		t.Fatalf("normalized: %+v", ok)
	}
	for _, c := range []struct {
		cfg   SSOConfig
		field string
	}{
		{SSOConfig{Issuer: "http://login.example.com", ClientID: "x", Domains: []string{"a.com"}}, "issuer"},
		{SSOConfig{Issuer: "login.example.com", ClientID: "x", Domains: []string{"a.com"}}, "issuer"},
		{SSOConfig{Issuer: "https://login.example.com?x=1", ClientID: "x", Domains: []string{"a.com"}}, "issuer"},
		{SSOConfig{Issuer: "https://login.example.com", Domains: []string{"a.com"}}, "client_id"},
		{SSOConfig{Issuer: "https://login.example.com", ClientID: "x"}, "domains"},
		{SSOConfig{Issuer: "https://login.example.com", ClientID: "x", Domains: []string{"not a domain"}}, "domains"},
		{SSOConfig{Issuer: "https://login.example.com", ClientID: "x", Domains: []string{"a.com"}, DefaultRole: "owner"}, "default_role"},
		{SSOConfig{Issuer: "https://login.example.com", ClientID: "x", Domains: []string{"a.com"}, GroupRoles: map[string]Role{"g": "boss"}, GroupsClaim: "groups"}, "group_roles"},
		{SSOConfig{Issuer: "https://login.example.com", ClientID: "x", Domains: []string{"a.com"}, GroupRoles: map[string]Role{"g": RoleAdmin}}, "groups_claim"},
	} {
		if err := ValidateSSO(&c.cfg); ErrorField(err) != c.field {
			t.Errorf("%+v: %v, want field %s", c.cfg, err, c.field)
		}
	}
	local := SSOConfig{Issuer: "http://localhost:9998/", ClientID: "x", Domains: []string{"a.com"}}
	if err := ValidateSSO(&local); err != nil {
		t.Errorf("plain HTTP on localhost: %v", err)
	}
}

func TestSSORolesAndDomains(t *testing.T) {
	c := SSOConfig{Domains: []string{"acme.com"}, DefaultRole: RoleEmployee,
		GroupRoles: map[string]Role{"auditors": RoleAuditor, "security": RoleAdmin, "grc": RoleManager}}
	for _, tc := range []struct {
		groups []string
		want   Role
	}{{nil, RoleEmployee}, {[]string{"other"}, RoleEmployee}, {[]string{"grc", "auditors"}, RoleManager}, {[]string{"auditors", "security", "grc"}, RoleAdmin}} {
		if got := c.RoleFor(tc.groups); got != tc.want {
			t.Errorf("groups %v: %s, want %s", tc.groups, got, tc.want)
		}
	}
	c.DefaultRole = ""
	if got := c.RoleFor([]string{"other"}); got != "" {
		t.Errorf("no default role: %s", got)
	}
	for email, want := range map[string]bool{"a@acme.com": true, "a@ACME.com": true, "a@sub.acme.com": false, "a@acme.com.evil": false, "acme.com": false} {
		if c.AllowsEmail(email) != want {
			t.Errorf("AllowsEmail(%q) = %v", email, !want)
		}
	}
	m, err := ParseGroupRoles("security = admin\n\n  grc=Manager ")
	if err != nil || m["security"] != RoleAdmin || m["grc"] != RoleManager || FormatGroupRoles(m) != "grc = manager\nsecurity = admin" {
		t.Fatalf("parse: %v %v", m, err)
	}
	if _, err := ParseGroupRoles("security admin"); ErrorField(err) != "group_roles" || !strings.Contains(err.Error(), "line 1") {
		t.Fatalf("bad line: %v", err)
	}
}
