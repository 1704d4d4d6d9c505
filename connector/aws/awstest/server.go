package awstest

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"encoding/xml"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Server is a running fake AWS.
type Server struct {
	*httptest.Server
	Scenario *Scenario
}

// NewServer starts a server answering from sc.
func NewServer(sc *Scenario) *Server {
	s := &Server{Scenario: sc}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Namespaces of the query services' answers.
const (
	iamNS = "https://iam.amazonaws.com/doc/2010-05-08/"
	stsNS = "https://sts.amazonaws.com/doc/2011-06-15/"
	ec2NS = "http://ec2.amazonaws.com/doc/2016-11-15/"
	s3NS  = "http://s3.amazonaws.com/doc/2006-03-01/"
)

// protocol is how an answer is written.
type protocol int

const (
	query protocol = iota
	ec2Query
	restS3
	restS3Control
	restJSON // GuardDuty
	json11
)

// call is one request being answered.
type call struct {
	w      http.ResponseWriter
	proto  protocol
	ns     string
	action string
}

func esc(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

const requestID = "4442587F-A1B2-4C3D-9E8F-0123456789AB"

func (c *call) fail(status int, code, message string) {
	switch c.proto {
	case restJSON:
		c.jsonError(status, code, message)
		return
	case json11:
		c.jsonFail(status, code, message)
		return
	}
	c.w.Header().Set("Content-Type", "text/xml")
	c.w.WriteHeader(status)
	switch c.proto {
	case query:
		fmt.Fprintf(c.w, `<ErrorResponse xmlns="%s"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>%s</RequestId></ErrorResponse>`,
			c.ns, code, esc(message), requestID)
	case ec2Query:
		fmt.Fprintf(c.w, `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors><RequestID>%s</RequestID></Response>`,
			code, esc(message), requestID)
	case restS3Control:
		fmt.Fprintf(c.w, `<?xml version="1.0" encoding="UTF-8"?><ErrorResponse><Error><Code>%s</Code><Message>%s</Message></Error><RequestId>%s</RequestId><HostId>awstest</HostId></ErrorResponse>`,
			code, esc(message), requestID)
	default:
		fmt.Fprintf(c.w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>%s</Message><RequestId>%s</RequestId><HostId>awstest</HostId></Error>`,
			code, esc(message), requestID)
	}
}

// ok writes a query-protocol answer: <ActionResponse><ActionResult>body…
func (c *call) ok(op, body string) {
	c.w.Header().Set("Content-Type", "text/xml")
	fmt.Fprintf(c.w, `<%sResponse xmlns="%s"><%sResult>%s</%sResult><ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata></%sResponse>`,
		op, c.ns, op, body, op, requestID, op)
}

// xmlBody writes a REST-XML answer.
func (c *call) xmlBody(body string) {
	c.w.Header().Set("Content-Type", "application/xml")
	c.w.Header().Set("x-amz-request-id", requestID)
	fmt.Fprintf(c.w, `<?xml version="1.0" encoding="UTF-8"?>%s`, body)
}

// keyOf reads the access key ID and service of a SigV4 Authorization
// header ("AWS4-HMAC-SHA256 Credential=AKID/20261204/us-east-1/iam/aws4_request, …").
func keyOf(auth string) (key, service, region string, ok bool) {
	_, rest, found := strings.Cut(auth, "Credential=")
	if !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 ") || !found {
		return "", "", "", false
	}
	cred, _, _ := strings.Cut(rest, ",")
	parts := strings.Split(cred, "/")
	if len(parts) != 5 || parts[4] != "aws4_request" {
		return "", "", "", false
	}
	return parts[0], parts[3], parts[2], true
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	c := &call{w: w, proto: restS3, ns: s3NS}
	var form url.Values
	switch {
	case strings.HasPrefix(r.URL.Path, "/v20180820/"):
		c.proto = restS3Control
	case r.Header.Get("X-Amz-Target") != "" && r.Header.Get("Content-Type") == "application/x-amz-json-1.1":
		c.proto = json11
	case r.Method == http.MethodPost && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded"):
		c.proto = query
		if err := r.ParseForm(); err != nil {
			c.fail(http.StatusBadRequest, "MalformedQueryString", err.Error())
			return
		}
		form = r.PostForm
	}
	key, service, region, signed := keyOf(r.Header.Get("Authorization"))
	if c.proto == query {
		c.ns = iamNS
		switch service {
		case "sts":
			c.ns = stsNS
		case "ec2":
			c.ns, c.proto = ec2NS, ec2Query
		case "rds":
			c.ns = rdsNS
		}
		c.action = service + ":" + form.Get("Action")
	} else if service == "guardduty" {
		c.proto, c.action = restJSON, guardDutyAction(r)
	} else if c.proto == json11 {
		_, op, _ := strings.Cut(r.Header.Get("X-Amz-Target"), ".")
		c.action = service + ":" + op
	} else if c.proto == restS3Control {
		c.action = "s3:GetAccountPublicAccessBlock"
	} else {
		c.action = s3Action(r)
	}
	if !signed {
		c.fail(http.StatusForbidden, "MissingAuthenticationToken", "Request is missing Authentication Token")
		return
	}
	sc := s.Scenario
	sc.mu.Lock()
	if other := sc.routes[key]; other != nil {
		// A session of another account's role: that account answers.
		sc.mu.Unlock()
		sc = other
		sc.mu.Lock()
	}
	defer sc.mu.Unlock()
	sc.requests = append(sc.requests, Request{Action: c.action, KeyID: key, Region: region})
	if sc.expired(key) {
		c.fail(http.StatusBadRequest, "ExpiredToken", "The security token included in the request is expired")
		return
	}
	if sc.Throttle[c.action] > 0 {
		sc.Throttle[c.action]--
		c.fail(http.StatusBadRequest, "Throttling", "Rate exceeded")
		return
	}
	if sc.Deny[c.action] {
		c.fail(http.StatusForbidden, "AccessDenied", fmt.Sprintf("User: %s is not authorized to perform: %s because no identity-based policy allows the %s action", sc.CallerARN, c.action, c.action))
		return
	}
	switch c.proto {
	case query:
		if service == "rds" {
			sc.answerRDS(c, form, region)
			break
		}
		sc.answerQuery(c, form)
	case ec2Query:
		sc.answerEC2(c, form, region)
	case restS3Control:
		sc.answerS3Control(c, r)
	case restJSON:
		sc.answerGuardDuty(c, r, region)
	case json11:
		sc.answerJSON(c, r, region)
	default:
		sc.answerS3(c, r)
	}
}

// expired counts a request signed with key and reports whether the key has
// signed more than ExpireAfter allows. Call it under the scenario's lock.
func (sc *Scenario) expired(key string) bool {
	limit, ok := sc.ExpireAfter[key]
	if !ok && strings.HasPrefix(key, "ASIA") {
		limit, ok = sc.ExpireAfter["ASIA*"]
	}
	if !ok {
		return false
	}
	if sc.signed == nil {
		sc.signed = map[string]int{}
	}
	sc.signed[key]++
	return sc.signed[key] > limit
}

// s3Action names a REST request by its IAM action.
func s3Action(r *http.Request) string {
	q := r.URL.Query()
	if strings.Trim(r.URL.Path, "/") == "" {
		return "s3:ListAllMyBuckets"
	}
	for _, sub := range []struct{ param, action string }{
		{"publicAccessBlock", "s3:GetBucketPublicAccessBlock"},
		{"policyStatus", "s3:GetBucketPolicyStatus"},
		{"acl", "s3:GetBucketAcl"},
		{"encryption", "s3:GetEncryptionConfiguration"},
		{"policy", "s3:GetBucketPolicy"},
		{"tagging", "s3:GetBucketTagging"},
		{"versioning", "s3:GetBucketVersioning"},
	} {
		if q.Has(sub.param) {
			return sub.action
		}
	}
	return "s3:" + r.Method + " " + r.URL.Path
}

func boolText(b bool) string { return strconv.FormatBool(b) }

func iso(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// page returns the slice of n items a marker starts and the next marker.
func page(n, size int, marker string, max int) (from, to int, next string) {
	from, _ = strconv.Atoi(marker)
	if max > 0 && max < size || size <= 0 {
		size = max
	}
	if size <= 0 {
		size = 100
	}
	to = min(from+size, n)
	if to < n {
		next = strconv.Itoa(to)
	}
	return from, to, next
}

func (sc *Scenario) policyARN(p Policy) string {
	if p.AWSManaged {
		return "arn:aws:iam::aws:policy/" + p.Name
	}
	return "arn:aws:iam::" + sc.account() + ":policy/" + p.Name
}

func (sc *Scenario) answerQuery(c *call, f url.Values) {
	switch c.action {
	case "sts:GetCallerIdentity":
		c.ok("GetCallerIdentity", fmt.Sprintf(`<Arn>%s</Arn><UserId>AIDAJQABLZS4A3QDU576Q</UserId><Account>%s</Account>`, esc(sc.CallerARN), sc.account()))
	case "sts:AssumeRole":
		target := sc // the scenario of the account the role is in
		if other := sc.Accounts[f.Get("RoleArn")]; other != nil {
			target = other
		}
		if target.RoleARN == "" || f.Get("RoleArn") != target.RoleARN || f.Get("ExternalId") != target.ExternalID {
			c.fail(http.StatusForbidden, "AccessDenied", fmt.Sprintf("User: %s is not authorized to perform: sts:AssumeRole on resource: %s", sc.CallerARN, f.Get("RoleArn")))
			return
		}
		sc.assumed++
		keyID := "ASIAIOSFODNN7ASSUMED"
		if sc.assumed > 1 {
			keyID = fmt.Sprintf("ASIAIOSFODNN7ASSUM%02d", sc.assumed%100)
		}
		role := target.RoleARN[strings.LastIndex(target.RoleARN, "/")+1:]
		caller := "arn:aws:sts::" + target.account() + ":assumed-role/" + role + "/" + f.Get("RoleSessionName")
		if target == sc {
			sc.CallerARN = caller
		} else {
			// Requests signed with this session are the other account's to answer.
			keyID = fmt.Sprintf("ASIAIOSFODNN7ACCT%03d", sc.assumed%1000)
			if sc.routes == nil {
				sc.routes = map[string]*Scenario{}
			}
			sc.routes[keyID] = target
			target.Update(func(t *Scenario) { t.CallerARN = caller })
		}
		c.ok("AssumeRole", fmt.Sprintf(`<Credentials><AccessKeyId>%s</AccessKeyId><SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>`+
			`<SessionToken>FwoGZXIvYXdzEXAMPLE</SessionToken><Expiration>%s</Expiration></Credentials>`+
			`<AssumedRoleUser><Arn>%s</Arn><AssumedRoleId>AROA3XFRBF535PLBIFPI4:%s</AssumedRoleId></AssumedRoleUser>`,
			keyID, iso(time.Now().Add(time.Hour)), esc(caller), esc(f.Get("RoleSessionName"))))
	case "iam:GetAccountSummary":
		entry := func(k string, v int) string {
			return fmt.Sprintf("<entry><key>%s</key><value>%d</value></entry>", k, v)
		}
		b2i := map[bool]int{true: 1}
		c.ok("GetAccountSummary", "<SummaryMap>"+entry("Users", len(sc.Users))+entry("Policies", len(sc.Policies))+
			entry("AccountMFAEnabled", b2i[sc.RootMFA])+entry("AccountAccessKeysPresent", b2i[sc.RootAccessKeys])+
			entry("AccountSigningCertificatesPresent", 0)+"</SummaryMap>")
	case "iam:GetAccountPasswordPolicy":
		p := sc.PasswordPolicy
		if p == nil {
			c.fail(http.StatusNotFound, "NoSuchEntity", "The Password Policy with domain name "+sc.account()+" cannot be found.")
			return
		}
		body := fmt.Sprintf(`<PasswordPolicy><AllowUsersToChangePassword>true</AllowUsersToChangePassword><RequireLowercaseCharacters>%t</RequireLowercaseCharacters>`+
			`<RequireUppercaseCharacters>%t</RequireUppercaseCharacters><MinimumPasswordLength>%d</MinimumPasswordLength><RequireNumbers>%t</RequireNumbers>`+
			`<RequireSymbols>%t</RequireSymbols><ExpirePasswords>%t</ExpirePasswords><HardExpiry>false</HardExpiry>`,
			p.Lowercase, p.Uppercase, p.MinLength, p.Numbers, p.Symbols, p.MaxAgeDays > 0)
		if p.MaxAgeDays > 0 {
			body += fmt.Sprintf("<MaxPasswordAge>%d</MaxPasswordAge>", p.MaxAgeDays)
		}
		if p.ReusePrevention > 0 {
			body += fmt.Sprintf("<PasswordReusePrevention>%d</PasswordReusePrevention>", p.ReusePrevention)
		}
		c.ok("GetAccountPasswordPolicy", body+"</PasswordPolicy>")
	case "iam:GenerateCredentialReport":
		state := "COMPLETE"
		if sc.ReportPending > 0 {
			sc.ReportPending--
			state = "STARTED"
		} else {
			sc.generatedReport = true
		}
		c.ok("GenerateCredentialReport", fmt.Sprintf("<State>%s</State><Description>No report exists. Starting a new report generation task</Description>", state))
	case "iam:GetCredentialReport":
		if !sc.generatedReport {
			c.fail(http.StatusGone, "ReportNotPresent", "Credential report not present")
			return
		}
		c.ok("GetCredentialReport", fmt.Sprintf("<Content>%s</Content><ReportFormat>text/csv</ReportFormat><GeneratedTime>%s</GeneratedTime>",
			base64.StdEncoding.EncodeToString(sc.report()), iso(sc.Now)))
	case "iam:ListPolicies":
		scope := f.Get("Scope")
		list := slices.DeleteFunc(slices.Clone(sc.Policies), func(p Policy) bool {
			return scope == "Local" && p.AWSManaged || scope == "AWS" && !p.AWSManaged || f.Get("OnlyAttached") == "true" && p.Attachments == 0
		})
		maxItems, _ := strconv.Atoi(f.Get("MaxItems"))
		from, to, next := page(len(list), sc.PageSize, f.Get("Marker"), maxItems)
		var b strings.Builder
		b.WriteString("<Policies>")
		for _, p := range list[from:to] {
			fmt.Fprintf(&b, `<member><PolicyName>%s</PolicyName><DefaultVersionId>%s</DefaultVersionId><PolicyId>%s</PolicyId><Path>/</Path>`+
				`<Arn>%s</Arn><AttachmentCount>%d</AttachmentCount><IsAttachable>true</IsAttachable><CreateDate>2024-03-01T10:00:00Z</CreateDate>`+
				`<UpdateDate>2024-03-01T10:00:00Z</UpdateDate></member>`, esc(p.Name), esc(p.versionID()), esc(p.policyID()), esc(sc.policyARN(p)), p.Attachments)
		}
		b.WriteString("</Policies>")
		fmt.Fprintf(&b, "<IsTruncated>%t</IsTruncated>", next != "")
		if next != "" {
			fmt.Fprintf(&b, "<Marker>%s</Marker>", next)
		}
		c.ok("ListPolicies", b.String())
	case "iam:GetPolicyVersion":
		arn := f.Get("PolicyArn")
		name := arn[strings.LastIndexByte(arn, '/')+1:]
		for _, p := range sc.Policies {
			// The name first: building every policy's ARN for every call made a
			// large account's collection quadratic.
			if p.Name == name && sc.policyARN(p) == arn && f.Get("VersionId") == p.versionID() {
				c.ok("GetPolicyVersion", fmt.Sprintf(`<PolicyVersion><Document>%s</Document><IsDefaultVersion>true</IsDefaultVersion><VersionId>%s</VersionId>`+
					`<CreateDate>2024-03-01T10:00:00Z</CreateDate></PolicyVersion>`, esc(url.QueryEscape(p.Document)), esc(p.versionID())))
				return
			}
		}
		c.fail(http.StatusNotFound, "NoSuchEntity", "Policy "+f.Get("PolicyArn")+" version "+f.Get("VersionId")+" does not exist or is not attachable.")
	default:
		c.fail(http.StatusBadRequest, "InvalidAction", "Could not find operation "+f.Get("Action")+" for version "+f.Get("Version"))
	}
}

// report writes the credential report's CSV.
func (sc *Scenario) report() []byte {
	when := func(t time.Time, none string) string {
		if t.IsZero() {
			return none
		}
		return t.UTC().Format("2006-01-02T15:04:05+00:00")
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"user", "arn", "user_creation_time", "password_enabled", "password_last_used", "password_last_changed", "password_next_rotation",
		"mfa_active", "access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date", "access_key_1_last_used_region",
		"access_key_1_last_used_service", "access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date",
		"access_key_2_last_used_region", "access_key_2_last_used_service", "cert_1_active", "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated"})
	keys := func(ks []Key) []string {
		var out []string
		for i := range 2 {
			if i >= len(ks) {
				out = append(out, "false", "N/A", "N/A", "N/A", "N/A")
				continue
			}
			k := ks[i]
			region, service := "N/A", "N/A"
			if !k.LastUsed.IsZero() {
				region, service = "us-east-1", "s3"
			}
			out = append(out, boolText(k.Active), when(k.LastRotated, "N/A"), when(k.LastUsed, "N/A"), region, service)
		}
		return out
	}
	rootKeys := []Key(nil)
	if sc.RootAccessKeys {
		rootKeys = []Key{{Active: true, LastRotated: sc.Now.Add(-1000 * 24 * time.Hour)}}
	}
	root := append([]string{"<root_account>", "arn:aws:iam::" + sc.account() + ":root", "2019-05-01T09:00:00+00:00", "not_supported",
		when(sc.RootLastUsed, "no_information"), "not_supported", "not_supported", boolText(sc.RootMFA)}, keys(rootKeys)...)
	_ = w.Write(append(root, "false", "N/A", "false", "N/A"))
	for _, u := range sc.Users {
		changed, next := "N/A", "N/A"
		lastUsed := "N/A"
		if u.Password {
			changed = when(u.Created, "N/A")
			lastUsed = when(u.PasswordLastUsed, "no_information")
		}
		row := append([]string{u.Name, "arn:aws:iam::" + sc.account() + ":user/" + u.Name, when(u.Created, "N/A"), boolText(u.Password), lastUsed,
			changed, next, boolText(u.MFA)}, keys(u.Keys)...)
		_ = w.Write(append(row, "false", "N/A", "false", "N/A"))
	}
	w.Flush()
	return b.Bytes()
}

func blockXML(b *Block) string {
	return fmt.Sprintf(`<PublicAccessBlockConfiguration xmlns="%s"><BlockPublicAcls>%t</BlockPublicAcls><IgnorePublicAcls>%t</IgnorePublicAcls>`+
		`<BlockPublicPolicy>%t</BlockPublicPolicy><RestrictPublicBuckets>%t</RestrictPublicBuckets></PublicAccessBlockConfiguration>`,
		s3NS, b.BlockPublicAcls, b.IgnorePublicAcls, b.BlockPublicPolicy, b.RestrictPublicBuckets)
}

func (sc *Scenario) answerS3Control(c *call, r *http.Request) {
	if r.URL.Path != "/v20180820/configuration/publicAccessBlock" || r.Method != http.MethodGet {
		c.fail(http.StatusNotImplemented, "NotImplemented", "awstest does not answer "+r.Method+" "+r.URL.Path)
		return
	}
	if r.Header.Get("x-amz-account-id") != sc.account() {
		c.fail(http.StatusForbidden, "AccessDenied", "Access Denied")
		return
	}
	if sc.AccountBlock == nil {
		c.fail(http.StatusNotFound, "NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found")
		return
	}
	c.xmlBody(blockXML(sc.AccountBlock))
}

func (sc *Scenario) answerS3(c *call, r *http.Request) {
	if c.action == "s3:ListAllMyBuckets" {
		q := r.URL.Query()
		maxBuckets, _ := strconv.Atoi(q.Get("max-buckets"))
		from, to, next := page(len(sc.Buckets), sc.PageSize, q.Get("continuation-token"), maxBuckets)
		var b strings.Builder
		fmt.Fprintf(&b, `<ListAllMyBucketsResult xmlns="%s"><Owner><ID>a7c1b2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1</ID></Owner><Buckets>`, s3NS)
		for _, bk := range sc.Buckets[from:to] {
			fmt.Fprintf(&b, "<Bucket><Name>%s</Name><CreationDate>2023-06-01T12:00:00.000Z</CreationDate><BucketRegion>%s</BucketRegion></Bucket>", esc(bk.Name), bk.Region)
		}
		b.WriteString("</Buckets>")
		if next != "" {
			fmt.Fprintf(&b, "<ContinuationToken>%s</ContinuationToken>", next)
		}
		b.WriteString("</ListAllMyBucketsResult>")
		c.xmlBody(b.String())
		return
	}
	name := strings.Trim(r.URL.Path, "/")
	var bk *Bucket
	for i := range sc.Buckets {
		if sc.Buckets[i].Name == name {
			bk = &sc.Buckets[i]
		}
	}
	if bk == nil {
		c.fail(http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist")
		return
	}
	switch c.action {
	case "s3:GetBucketPublicAccessBlock":
		if bk.Block == nil {
			c.fail(http.StatusNotFound, "NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found")
			return
		}
		c.xmlBody(blockXML(bk.Block))
	case "s3:GetBucketPolicyStatus":
		if bk.Policy == "" {
			c.fail(http.StatusNotFound, "NoSuchBucketPolicy", "The bucket policy does not exist")
			return
		}
		c.xmlBody(fmt.Sprintf(`<PolicyStatus xmlns="%s"><IsPublic>%t</IsPublic></PolicyStatus>`, s3NS, bk.PolicyPublic))
	case "s3:GetBucketAcl":
		owner := `<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>a7c1b2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1</ID></Grantee><Permission>FULL_CONTROL</Permission></Grant>`
		if bk.ACLPublic {
			owner += `<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission></Grant>`
		}
		c.xmlBody(fmt.Sprintf(`<AccessControlPolicy xmlns="%s"><Owner><ID>a7c1b2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1</ID></Owner><AccessControlList>%s</AccessControlList></AccessControlPolicy>`, s3NS, owner))
	case "s3:GetEncryptionConfiguration":
		if bk.Encryption == "" {
			c.fail(http.StatusNotFound, "ServerSideEncryptionConfigurationNotFoundError", "The server side encryption configuration was not found")
			return
		}
		c.xmlBody(fmt.Sprintf(`<ServerSideEncryptionConfiguration xmlns="%s"><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>%s</SSEAlgorithm></ApplyServerSideEncryptionByDefault><BucketKeyEnabled>%t</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>`,
			s3NS, bk.Encryption, bk.Encryption == "aws:kms"))
	case "s3:GetBucketTagging":
		if len(bk.Tags) == 0 {
			c.fail(http.StatusNotFound, "NoSuchTagSet", "The TagSet does not exist")
			return
		}
		var b strings.Builder
		fmt.Fprintf(&b, `<Tagging xmlns="%s"><TagSet>`, s3NS)
		for _, k := range slices.Sorted(maps.Keys(bk.Tags)) {
			fmt.Fprintf(&b, "<Tag><Key>%s</Key><Value>%s</Value></Tag>", esc(k), esc(bk.Tags[k]))
		}
		b.WriteString("</TagSet></Tagging>")
		c.xmlBody(b.String())
	case "s3:GetBucketVersioning":
		status := ""
		if bk.Versioning != "" {
			status = "<Status>" + bk.Versioning + "</Status>"
		}
		c.xmlBody(fmt.Sprintf(`<VersioningConfiguration xmlns="%s">%s</VersioningConfiguration>`, s3NS, status))
	case "s3:GetBucketPolicy":
		if bk.Policy == "" {
			c.fail(http.StatusNotFound, "NoSuchBucketPolicy", "The bucket policy does not exist")
			return
		}
		c.w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(c.w, bk.Policy)
	default:
		c.fail(http.StatusNotImplemented, "NotImplemented", "awstest does not answer "+r.Method+" "+r.URL.String())
	}
}

// ec2OK writes an EC2 answer: EC2's query protocol has no Result wrapper
// and names its elements in lower camel case.
func (c *call) ec2OK(op, body string) {
	c.w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	fmt.Fprintf(c.w, `<?xml version="1.0" encoding="UTF-8"?><%sResponse xmlns="%s"><requestId>%s</requestId>%s</%sResponse>`, op, ec2NS, requestID, body, op)
}

func (sc *Scenario) answerEC2(c *call, f url.Values, region string) {
	reg := sc.Regions[region]
	if reg == nil {
		reg = &Region{}
	}
	if reg.Fail != "" && c.action != "ec2:DescribeRegions" {
		c.fail(http.StatusUnauthorized, reg.Fail, "AWS was not able to validate the provided access credentials")
		return
	}
	switch c.action {
	case "ec2:DescribeRegions":
		names := make([]string, 0, len(sc.Regions))
		for n := range sc.Regions {
			names = append(names, n)
		}
		sort.Strings(names)
		var b strings.Builder
		b.WriteString("<regionInfo>")
		for _, n := range names {
			fmt.Fprintf(&b, "<item><regionName>%s</regionName><regionEndpoint>ec2.%s.amazonaws.com</regionEndpoint><optInStatus>opt-in-not-required</optInStatus></item>", n, n)
		}
		b.WriteString("</regionInfo>")
		c.ec2OK("DescribeRegions", b.String())
	case "ec2:DescribeSnapshots":
		if f.Get("Owner.1") != "self" {
			c.fail(http.StatusBadRequest, "InvalidParameterCombination", "awstest answers only for the account's own snapshots (Owner.1=self)")
			return
		}
		list := slices.DeleteFunc(slices.Clone(reg.Snapshots), func(sn Snapshot) bool { return f.Get("RestorableBy.1") == "all" && !sn.Public })
		maxResults, _ := strconv.Atoi(f.Get("MaxResults"))
		from, to, next := page(len(list), sc.PageSize, f.Get("NextToken"), maxResults)
		var b strings.Builder
		b.WriteString("<snapshotSet>")
		for _, sn := range list[from:to] {
			fmt.Fprintf(&b, "<item><snapshotId>%s</snapshotId><volumeId>%s</volumeId><status>completed</status><startTime>2026-10-01T03:00:00.000Z</startTime>"+
				"<progress>100%%</progress><ownerId>%s</ownerId><volumeSize>8</volumeSize><description>nightly backup</description><encrypted>%t</encrypted>"+
				"<storageTier>standard</storageTier></item>", sn.ID, sn.Volume, sc.account(), sn.Encrypted)
		}
		b.WriteString("</snapshotSet>")
		if next != "" {
			fmt.Fprintf(&b, "<nextToken>%s</nextToken>", next)
		}
		c.ec2OK("DescribeSnapshots", b.String())
	case "ec2:GetEbsEncryptionByDefault":
		c.ec2OK("GetEbsEncryptionByDefault", fmt.Sprintf("<ebsEncryptionByDefault>%t</ebsEncryptionByDefault><sseType>sse-ebs</sseType>", reg.EBSEncryptionByDefault))
	case "ec2:DescribeSecurityGroups":
		maxResults, _ := strconv.Atoi(f.Get("MaxResults"))
		from, to, next := page(len(reg.SecurityGroups), sc.PageSize, f.Get("NextToken"), maxResults)
		var b strings.Builder
		b.WriteString("<securityGroupInfo>")
		for _, g := range reg.SecurityGroups[from:to] {
			fmt.Fprintf(&b, "<item><ownerId>%s</ownerId><groupId>%s</groupId><groupName>%s</groupName><groupDescription>%s</groupDescription><vpcId>%s</vpcId><ipPermissions>",
				sc.account(), g.ID, esc(g.Name), esc(g.Name+" servers"), g.VPC)
			for _, r := range g.Inbound {
				fmt.Fprintf(&b, "<item><ipProtocol>%s</ipProtocol>", r.Protocol)
				if r.Protocol != "-1" {
					fmt.Fprintf(&b, "<fromPort>%d</fromPort><toPort>%d</toPort>", r.From, r.To)
				}
				b.WriteString("<groups/><ipRanges>")
				for _, cidr := range r.CIDRs {
					if !strings.Contains(cidr, ":") {
						fmt.Fprintf(&b, "<item><cidrIp>%s</cidrIp></item>", cidr)
					}
				}
				b.WriteString("</ipRanges><ipv6Ranges>")
				for _, cidr := range r.CIDRs {
					if strings.Contains(cidr, ":") {
						fmt.Fprintf(&b, "<item><cidrIpv6>%s</cidrIpv6></item>", cidr)
					}
				}
				b.WriteString("</ipv6Ranges><prefixListIds/></item>")
			}
			fmt.Fprintf(&b, "</ipPermissions><ipPermissionsEgress><item><ipProtocol>-1</ipProtocol><groups/><ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges>"+
				"<ipv6Ranges/><prefixListIds/></item></ipPermissionsEgress><securityGroupArn>arn:aws:ec2:%s:%s:security-group/%s</securityGroupArn></item>", region, sc.account(), g.ID)
		}
		b.WriteString("</securityGroupInfo>")
		if next != "" {
			fmt.Fprintf(&b, "<nextToken>%s</nextToken>", next)
		}
		c.ec2OK("DescribeSecurityGroups", b.String())
	default:
		c.fail(http.StatusBadRequest, "InvalidAction", "The action "+f.Get("Action")+" is not valid for this web service.")
	}
}
