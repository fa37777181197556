package models_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/guanxi-dev/guanxi/models"
	"github.com/guanxi-dev/guanxi/models/internal/testcorpus"
	"github.com/guanxi-dev/guanxi/models/train"
)

// Shared by the tests: one model trained on the test corpus and saved to
// modelDir.
var (
	trained  *train.Model
	modelDir string
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	// The tests need onnxruntime and must fail, not skip, without it.
	lib, err := models.LibraryPath()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := models.InitRuntime(lib); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	dir, err := os.MkdirTemp("", "guanxi-models-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	trained, err = train.Train(context.Background(), testcorpus.Examples(), train.Options{Seed: 1})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := trained.Save(dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	modelDir = dir
	return m.Run()
}
