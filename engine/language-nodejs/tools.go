//go:build tools

// Package languagenodejs pins the Node.js language host the engine tests run. The build tag keeps
// the file out of every build: it exists so that `go mod tidy` records the host's main package
// (and its whole dependency graph) in go.mod and go.sum.
package languagenodejs

import (
	_ "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3"
)
