package models_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guanxi-dev/guanxi/models"
)

func TestLibraryPathFindsFetchedLibrary(t *testing.T) {
	t.Setenv(models.LibraryEnv, "")
	p, err := models.LibraryPath()
	require.NoError(t, err, "run scripts/fetch-onnxruntime.sh")
	assert.True(t, filepath.IsAbs(p))
	assert.Equal(t, filepath.FromSlash(models.LibraryCachePath), p[len(p)-len(models.LibraryCachePath):])

	// Found from a subdirectory of the module too.
	t.Chdir("internal")
	q, err := models.LibraryPath()
	require.NoError(t, err)
	assert.Equal(t, p, q)
}

func TestLibraryPathFromEnvironment(t *testing.T) {
	lib, err := models.LibraryPath()
	require.NoError(t, err)
	t.Setenv(models.LibraryEnv, lib)
	p, err := models.LibraryPath()
	require.NoError(t, err)
	assert.Equal(t, lib, p)

	missing := filepath.Join(t.TempDir(), "libonnxruntime.so")
	t.Setenv(models.LibraryEnv, missing)
	_, err = models.LibraryPath()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "$"+models.LibraryEnv)
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestLibraryPathNotFound(t *testing.T) {
	t.Setenv(models.LibraryEnv, "")
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module x\n"), 0o644))
	t.Chdir(dir)
	_, err := models.LibraryPath()
	require.Error(t, err)
	assert.Contains(t, err.Error(), models.FetchScript)
	assert.Contains(t, err.Error(), filepath.Join(dir, models.LibraryCachePath), "names where it looked")
}

func TestInitRuntime(t *testing.T) {
	lib, err := models.LibraryPath()
	require.NoError(t, err)
	require.NoError(t, models.InitRuntime(lib), "repeated calls with the same path are fine")
	require.NoError(t, models.InitRuntime(lib))

	err = models.InitRuntime(filepath.Join(t.TempDir(), "other.so"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "already initialised")
	require.ErrorContains(t, models.InitRuntime(""), "empty")
}
