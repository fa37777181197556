package models

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	ort "github.com/yalue/onnxruntime_go"
)

// RuntimeVersion is the onnxruntime release guanxi runs on. onnxruntime_go
// v1.27 needs C API version 24, which 1.24.x provides; older libraries are
// refused.
const RuntimeVersion = "1.24.3"

// LibraryEnv names the environment variable that overrides where the
// onnxruntime shared library is looked for.
const LibraryEnv = "ONNXRUNTIME_LIB"

// FetchScript is the script that downloads the shared library into
// LibraryCachePath.
const FetchScript = "scripts/fetch-onnxruntime.sh"

// LibraryFile is the file name of the shared library.
const LibraryFile = "libonnxruntime.so." + RuntimeVersion

// LibraryCachePath is where FetchScript puts the library, relative to the
// repository root.
const LibraryCachePath = ".cache/onnxruntime/" + LibraryFile

// LibraryPath returns the onnxruntime shared library to load: $ONNXRUNTIME_LIB
// if set; else LibraryCachePath in the working directory or one of its
// parents, up to the module root (the directory holding go.mod); else
// LibraryFile next to the executable. The error names the places searched
// and how to fetch the library.
func LibraryPath() (string, error) {
	if p := os.Getenv(LibraryEnv); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("models: $%s: onnxruntime shared library: %w", LibraryEnv, err)
		}
		return p, nil
	}
	p, tried := findInModule(LibraryCachePath, isFile)
	if p != "" {
		return p, nil
	}
	if exe, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(exe), LibraryFile)
		if isFile(p) {
			return p, nil
		}
		tried = append(tried, p)
	}
	return "", fmt.Errorf("models: onnxruntime %s shared library not found (looked for %s); "+
		"run %s from the repository root or set $%s",
		RuntimeVersion, strings.Join(tried, ", "), FetchScript, LibraryEnv)
}

// findInModule looks for rel in the working directory and its parents, up
// to the module root (the directory holding go.mod), so that commands and
// tests find the repository's files from any package directory. It returns
// the path found, or "" and the paths it tried.
func findInModule(rel string, ok func(string) bool) (string, []string) {
	var tried []string
	wd, err := os.Getwd()
	if err != nil {
		return "", nil
	}
	for dir := wd; ; {
		p := filepath.Join(dir, rel)
		if ok(p) {
			return p, nil
		}
		tried = append(tried, p)
		if isFile(filepath.Join(dir, "go.mod")) {
			return "", tried
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", tried
		}
		dir = parent
	}
}

// ShippedDir returns the directory of the shipped sentence model,
// SentenceModelDir found from the working directory up to the module root.
func ShippedDir() (string, error) {
	p, tried := findInModule(SentenceModelDir, isDir)
	if p == "" {
		return "", fmt.Errorf("models: shipped model not found (looked in %s); run 'guanxi train' from the repository root", strings.Join(tried, ", "))
	}
	return p, nil
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

// env records the process-wide onnxruntime environment.
var env struct {
	mu   sync.Mutex
	path string // library the environment was initialised from
}

// InitRuntime loads the onnxruntime shared library at path and initialises
// the process-wide environment. Later calls with the same path do nothing; a
// different path is an error, as one process holds one environment. A failed
// call can be retried.
func InitRuntime(path string) error {
	if path == "" {
		return errors.New("models: empty onnxruntime library path")
	}
	env.mu.Lock()
	defer env.mu.Unlock()
	if env.path != "" {
		if env.path == path {
			return nil
		}
		return fmt.Errorf("models: onnxruntime already initialised from %s, cannot switch to %s", env.path, path)
	}
	if ort.IsInitialized() {
		return fmt.Errorf("models: onnxruntime was initialised outside this package; cannot load %s", path)
	}
	ort.SetSharedLibraryPath(path)
	if err := ort.InitializeEnvironment(ort.WithLogLevelError()); err != nil {
		return fmt.Errorf("models: initialise onnxruntime from %s (want version %s; run %s): %w",
			path, RuntimeVersion, FetchScript, err)
	}
	env.path = path
	return nil
}

// ensureRuntime initialises the environment from path, or from LibraryPath
// when path is empty and nothing is initialised yet.
func ensureRuntime(path string) error {
	if path != "" {
		return InitRuntime(path)
	}
	env.mu.Lock()
	ready := env.path != "" || ort.IsInitialized()
	env.mu.Unlock()
	if ready {
		return nil
	}
	p, err := LibraryPath()
	if err != nil {
		return err
	}
	return InitRuntime(p)
}
