// Command aws measures a collection of a large AWS account: it serves a
// fake account of --resources resources across four regions (awstest's
// LargeScenario, on loopback), collects it with the AWS connector, and
// prints the elapsed time beside the API calls made per resource. Beside it,
// in the same run, it times the floor: the very HTTP requests the connector
// sent, replayed by a bare net/http client with the same parallelism (four
// at a time), without the SDK, signing, parsing or the connector's work.
//
//	go run ./bench/aws [-resources 50000] [-rounds 3]
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/connector/aws"
	"github.com/attest-hq/attest/connector/aws/awstest"
)

var regions = []string{"us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"}

func main() {
	n := flag.Int("resources", 50000, "resources in the fake account")
	rounds := flag.Int("rounds", 3, "collections timed, each beside its floor")
	flag.Parse()
	if err := run(*n, *rounds); err != nil {
		fmt.Fprintln(os.Stderr, "bench/aws:", err)
		os.Exit(1)
	}
}

// sent is one request the connector sent, kept to replay.
type sent struct {
	method, url string
	header      http.Header
	body        []byte
}

// recorder keeps every request before the fake AWS answers it.
type recorder struct {
	next http.Handler
	mu   sync.Mutex
	reqs []sent
	on   bool
}

func (rc *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	rc.mu.Lock()
	if rc.on {
		rc.reqs = append(rc.reqs, sent{r.Method, r.URL.String(), r.Header.Clone(), body})
	}
	rc.mu.Unlock()
	rc.next.ServeHTTP(w, r)
}

func run(n, rounds int) error {
	ctx := context.Background()
	now := time.Now()
	sc := awstest.LargeScenario(now, n, regions)
	rec := &recorder{next: awstest.Handler(sc), on: true}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	conn := aws.New(aws.WithReportPoll(0))
	req := attest.CollectRequest{Now: now, Secret: []byte("AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
		Settings: map[string]string{"endpoint_url": srv.URL, "regions": "us-east-1,us-west-2,eu-west-1,ap-southeast-2"}}
	fmt.Printf("bench/aws: %d resources asked, 4 regions, %d round(s)\n", n, rounds)
	var collects, floors []time.Duration
	for round := range rounds {
		rec.mu.Lock()
		rec.reqs, rec.on = nil, true
		rec.mu.Unlock()
		start := time.Now()
		col, err := conn.Collect(ctx, req)
		took := time.Since(start)
		if err != nil {
			return err
		}
		if len(col.Failed) > 0 {
			return fmt.Errorf("the collection failed for %v", col.Failed)
		}
		rec.mu.Lock()
		reqs := rec.reqs
		rec.on = false
		rec.mu.Unlock()
		floor, err := replay(srv.URL, reqs)
		if err != nil {
			return err
		}
		collects, floors = append(collects, took), append(floors, floor)
		fmt.Printf("round %d: %d resources, %d API calls (%.4f per resource), collection %s, floor %s (%d requests replayed), ratio %.2f\n",
			round+1, len(col.Resources), col.Calls, float64(col.Calls)/float64(len(col.Resources)),
			took.Round(time.Millisecond), floor.Round(time.Millisecond), len(reqs), float64(took)/float64(floor))
	}
	best, bestFloor := slices.Min(collects), slices.Min(floors)
	fmt.Printf("best: collection %s, floor %s, ratio %.2f\n", best.Round(time.Millisecond), bestFloor.Round(time.Millisecond), float64(best)/float64(bestFloor))
	return nil
}

// replay sends reqs again with a bare client, four at a time, and returns
// how long they took.
func replay(base string, reqs []sent) (time.Duration, error) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	work := make(chan sent)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	start := time.Now()
	for range 4 {
		wg.Go(func() {
			for s := range work {
				r, err := http.NewRequest(s.method, base+s.url, bytes.NewReader(s.body))
				if err == nil {
					r.Header = s.header
					var res *http.Response
					if res, err = client.Do(r); err == nil {
						_, err = io.Copy(io.Discard, res.Body)
						res.Body.Close()
					}
				}
				if err != nil {
					mu.Lock()
					first = cmpOr(first, err)
					mu.Unlock()
				}
			}
		})
	}
	for _, s := range reqs {
		work <- s
	}
	close(work)
	wg.Wait()
	return time.Since(start), first
}

func cmpOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}
