package reportdir

import (
	"fmt"
	"strconv"
	"strings"
)

// Variables Bazel sets for a test split into shards (rules_go passes them
// to go_test with shard_count).
const (
	ShardIndexEnv  = "TEST_SHARD_INDEX"
	TotalShardsEnv = "TEST_TOTAL_SHARDS"
)

// Shard names the shard of a split test run a process is, as
// "index/total", from the values of TEST_SHARD_INDEX and
// TEST_TOTAL_SHARDS: "" when both are blank or there is one shard. A
// package's files from different shards hold different tests, so Merge
// combines them instead of taking one as a rerun. Values that are not a
// shard (not numbers, or an index outside the total) are an error.
func Shard(index, total string) (string, error) {
	index, total = strings.TrimSpace(index), strings.TrimSpace(total)
	if index == "" && total == "" {
		return "", nil
	}
	i, err1 := strconv.Atoi(index)
	n, err2 := strconv.Atoi(total)
	if err1 != nil || err2 != nil || n < 1 || i < 0 || i >= n {
		return "", fmt.Errorf("%s=%q and %s=%q do not name a shard (an index from 0 below a total of at least 1); reports are written without one", ShardIndexEnv, index, TotalShardsEnv, total)
	}
	if n == 1 {
		return "", nil
	}
	return strconv.Itoa(i) + "/" + strconv.Itoa(n), nil
}
