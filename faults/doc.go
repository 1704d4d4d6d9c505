// Package faults holds tests that run the real attest binary as processes and
// break them: SIGKILL at random moments during writes and migrations, and two
// servers on one PostgreSQL database and one S3 bucket. It has no code of its
// own; the tests are in its _test files.
package faults
