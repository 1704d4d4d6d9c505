package catalog

import "embed"

// TestFiles are the automated tests Attest ships (tests/*.yaml), read by
// package monitor/engine. They are data, like the control library: open,
// versioned by content, and run the same offline (attest test eval).
//
//go:embed tests/*.yaml
var TestFiles embed.FS

// PolicyFiles are the policy templates Attest ships (policies/*.md, Markdown
// with YAML front matter) and the variables they share
// (policies/variables.yaml), read by package policy/templates.
//
//go:embed policies/*.md policies/variables.yaml
var PolicyFiles embed.FS

// RiskFiles are the library of common risks Attest ships (risks/*.yaml),
// read by package risk: each risk with a suggested category, likelihood,
// impact and the library controls that reduce it.
//
//go:embed risks/*.yaml
var RiskFiles embed.FS

// TrainingFiles are the built-in security awareness course
// (training/*.yaml: its pages in Markdown and its quiz), read by package
// training.
//
//go:embed training/*.yaml
var TrainingFiles embed.FS
