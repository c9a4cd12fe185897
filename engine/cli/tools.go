//go:build tools

// Package cli pins the Pulumi CLI (engine, backends, CrossGuard analyzer host, Automation API
// server side) at the version of the repository's @pulumi/pulumi. The build tag keeps the file
// out of every build: it exists so that `go mod tidy` records the CLI's main package (and its
// whole dependency graph) in go.mod and go.sum.
package cli

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
)
