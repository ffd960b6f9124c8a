package reportdir

import (
	"os"
	"strconv"
)

// shardFromEnv names the shard of a split test run this process is, as
// "index/total" from Bazel's TEST_SHARD_INDEX and TEST_TOTAL_SHARDS
// (rules_go passes them to go_test with shard_count), "" when the tests
// are not split. A package's files from different shards hold different
// tests, so Merge combines them instead of taking one as a rerun.
func shardFromEnv() string {
	total, err1 := strconv.Atoi(os.Getenv("TEST_TOTAL_SHARDS"))
	index, err2 := strconv.Atoi(os.Getenv("TEST_SHARD_INDEX"))
	if err1 != nil || err2 != nil || total <= 1 || index < 0 || index >= total {
		return ""
	}
	return strconv.Itoa(index) + "/" + strconv.Itoa(total)
}
