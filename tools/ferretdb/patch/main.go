// Command patch applies Parley's change set to a copy of the FerretDB v1.24.2 module, so the
// embedded database serves Parley's hot queries from SQLite indexes (docs/ARCHITECTURE.md,
// "The embedded database"). scripts/setup.sh copies the module out of Go's module cache, runs
// this on the copy and builds tools/ferretdb against it; no FerretDB file is kept in the repo.
//
// Every edit names the exact text it replaces and fails when that text is not found exactly
// once, so a different FerretDB version stops the build instead of being patched blindly.
//
// The changes:
//  1. _id queries use the _id index: IDColumn is written as the index is built (->'_id'), not
//     as '$._id', which SQLite treats as another expression and answers with a full scan.
//  2. Indexes on other fields are built on ->>'$.field' (SQL values: a date is its integer
//     milliseconds), so ranges on dates and equality on strings can be served by them.
//  3. Query and Explain push down _id equality/$in together with other conditions, and
//     equality, $in and ranges on indexed top-level fields (pushdown.go.in). FerretDB filters
//     every row again in Go, so a pushed-down clause only has to return a superset.
package main

import (
	_ "embed"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

//go:embed pushdown.go.in
var pushdownSource string

//go:embed column.go.in
var columnSource string

type edit struct {
	file, old, new string
}

const oldFilterBlock = `	// that logic should exist in one place
	// TODO https://github.com/FerretDB/FerretDB/issues/3235
	if params.Filter.Len() == 1 {
		v, _ := params.Filter.Get("_id")
		switch v.(type) {
		case string, types.ObjectID:
%s			whereClause = fmt.Sprintf(` + "` WHERE %%s = ?`" + `, metadata.IDColumn)
			args = []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}
		}
	}
`

var edits = []edit{
	{
		file: "internal/backends/sqlite/metadata/metadata.go",
		old:  `IDColumn = DefaultColumn + "->'$._id'"`,
		new:  `IDColumn = DefaultColumn + "->'_id'"`,
	},
	{
		file: "internal/backends/sqlite/metadata/registry.go",
		old:  "\t\t\tcolumns[i] = fmt.Sprintf(\"%s->%s\", DefaultColumn, strings.Join(fields, \"->\"))\n",
		new: "\t\t\tcolumns[i] = fmt.Sprintf(\"%s->%s\", DefaultColumn, strings.Join(fields, \"->\"))\n" +
			"\t\t\tif c, ok := ParleyIndexColumn(key.Field); ok && key.Field != \"_id\" {\n" +
			"\t\t\t\tcolumns[i] = c\n" +
			"\t\t\t}\n",
	},
	{
		file: "internal/backends/sqlite/collection.go",
		old:  fmt.Sprintf(oldFilterBlock, ""),
		new:  "\twhereClause, args = parleyWhere(meta, params.Filter)\n",
	},
	{
		file: "internal/backends/sqlite/collection.go",
		old:  fmt.Sprintf(oldFilterBlock, "\t\t\tfilterPushdown = true\n"),
		new:  "\twhereClause, args = parleyWhere(meta, params.Filter)\n\tfilterPushdown = whereClause != \"\"\n",
	},
}

func main() {
	if len(os.Args) != 2 {
		fail("usage: patch <directory of a writable copy of github.com/FerretDB/FerretDB@v1.24.2>")
	}
	root := os.Args[1]

	for _, e := range edits {
		path := filepath.Join(root, e.file)
		b, err := os.ReadFile(path)
		if err != nil {
			fail(err.Error())
		}
		if n := strings.Count(string(b), e.old); n != 1 {
			fail(fmt.Sprintf("%s: expected the text to replace exactly once, found it %d times:\n%s", e.file, n, e.old))
		}
		if err := os.WriteFile(path, []byte(strings.Replace(string(b), e.old, e.new, 1)), 0o644); err != nil {
			fail(err.Error())
		}
	}

	added := map[string]string{
		"internal/backends/sqlite/parley_pushdown.go":        pushdownSource,
		"internal/backends/sqlite/metadata/parley_column.go": columnSource,
	}
	for file, source := range added {
		if err := os.WriteFile(filepath.Join(root, file), []byte(source), 0o644); err != nil {
			fail(err.Error())
		}
	}
}

func fail(message string) {
	fmt.Fprintln(os.Stderr, "parley-ferretdb patch: "+message)
	os.Exit(1)
}
