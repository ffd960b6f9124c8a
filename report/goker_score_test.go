package report

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// Root-cause classes of the GoKer corpus, each with the catalog patterns
// that state it. A "victim" is blocked only because another leaked
// goroutine is stuck: its diagnosis is right when it names that partner.
var gokerClasses = map[string][]string{
	"cycle":           {PatternMutualWait},
	"rlock-writer":    {PatternRWMutexDeadlock, PatternMutualWait},
	"double-lock":     {PatternDoubleLock},
	"missing-unlock":  {PatternMutexHeld, PatternRWMutexDeadlock},
	"no-receiver":     {PatternSendNoReceiver},
	"no-sender":       {PatternRecvNoSender, PatternRangeUnclosed, PatternGenericReceive},
	"never-cancelled": {PatternContextNeverDone, PatternNeverClosed},
	"never-closed":    {PatternNeverClosed},
	"missing-done":    {PatternWaitGroup},
	"missed-signal":   {PatternCondNoSignal},
	"timer-drain":     {PatternSelectNoExit, PatternTickerLoop},
	"victim":          nil,
}

// gokerExpect is the root cause of every leaking goroutine kind of the
// corpus (one group of the report), worked out by reading the kernel: "at"
// is the blocking function and line as the report shows them.
var gokerExpect = map[string]string{
	"Cockroach10214 (*Replica_cockroach10214).reportUnreachable:61":                                                           "cycle", // coalescedMu → raftMu vs raftMu → mu → coalescedMu
	"Cockroach10214 (*Replica_cockroach10214).maybeCoalesceHeartbeat:93":                                                      "cycle",
	"Cockroach1055 (*Stopper_cockroach1055).Quiesce:48":                                                                       "missing-done", // drain.Add in StartTask, no drain.Done anywhere
	"Cockroach1055 (*Stopper_cockroach1055).Stop:56":                                                                          "missing-done",
	"Cockroach1055 Cockroach1055.func2.1:96":                                                                                  "victim", // Stop (stuck at drain.Wait) would close stopper
	"Cockroach1055 Cockroach1055.func2:112":                                                                                   "victim",
	"Cockroach10790 (*Replica_cockroach10790).beginCmds.func1:42":                                                             "no-sender", // sendChans returned on ctx.Done
	"Cockroach13197 (*Tx_cockroach13197).awaitDone:45":                                                                        "never-cancelled",
	"Cockroach13755 (*Rows_cockroach13755).awaitDone:36":                                                                      "never-cancelled",
	"Cockroach1462 (*Stopper_cockroach1462).Stop:93":                                                                          "victim", // the worker's deferred SetStopped never runs
	"Cockroach1462 NewLocalInterceptableTransport_cockroach1462.(*localInterceptableTransport_cockroach1462).start.func1:130": "no-receiver",
	"Cockroach16167 (*Executor_cockroach16167).getDatabaseCache:72":                                                           "rlock-writer", // RLock via Cond.L, RLock again, writer waits
	"Cockroach16167 (*Executor_cockroach16167).updateSystemConfig:77":                                                         "rlock-writer",
	"Cockroach18101 splitAndScatter_cockroach18101:45":                                                                        "no-receiver",
	"Cockroach2448 (*MultiRaft_cockroach2448).sendEvent:38":                                                                   "cycle",
	"Cockroach2448 (*state_cockroach2448).start.(*state_cockroach2448).handleWriteResponse.func1:65":                          "cycle",
	"Cockroach24808 (*Compactor_cockroach24808).Start:48":                                                                     "no-receiver", // second send before the receiver starts
	"Cockroach25456 (*consistencyQueue_cockroach25456).process:52":                                                            "no-sender",   // quiescer never closed
	"Cockroach35073 (*RowChannel_cockroach35073).Push:58":                                                                     "no-receiver",
	"Cockroach35931 (*RowChannel_cockroach35931).Push:34":                                                                     "no-receiver",
	"Cockroach3710 (*Store_cockroach3710).RaftStatus:47":                                                                      "rlock-writer",
	"Cockroach3710 (*Store_cockroach3710).processRaft.func1:55":                                                               "rlock-writer",
	"Cockroach584 (*gossip_cockroach584).manage:36":                                                                           "missing-unlock", // bootstrap breaks out holding g.mu
	"Cockroach6181 (*rangeDescriptorCache_cockroach6181).LookupRangeDescriptor:44":                                            "rlock-writer",
	"Cockroach6181 (*rangeDescriptorCache_cockroach6181).String:49":                                                           "rlock-writer",
	"Cockroach6181 testRangeCacheCoalescedRequests_cockroach6181.func1:73":                                                    "victim",
	"Cockroach7504 (*tableNameCache_cockroach7504).get:88":                                                                    "cycle",
	"Cockroach7504 (*tableNameCache_cockroach7504).remove:93":                                                                 "cycle",
	"Cockroach9935 (*loggingT_cockroach9935).exit:49":                                                                         "double-lock",
	"Etcd10492 (*lessor_etcd10492).Checkpoint:29":                                                                             "double-lock",
	"Etcd5509 (*Client_etcd5509).Close:29":                                                                                    "missing-unlock", // acquire returns without RUnlock
	"Etcd6708 (*httpClusterClient_etcd6708).Do:59":                                                                            "double-lock",
	"Etcd6857 (*node_etcd6857).Status:34":                                                                                     "no-receiver",
	"Etcd6873 (*watchBroadcasts_etcd6873).coalesce:48":                                                                        "cycle",
	"Etcd6873 (*watchBroadcasts_etcd6873).stop:56":                                                                            "cycle",
	"Etcd7492 (*simpleTokenTTLKeeper_etcd7492).addSimpleToken:81":                                                             "cycle", // sends holding simpleTokensMu; run needs it
	"Etcd7492 (*tokenSimple_etcd7492).enable.newDeleterFunc.func1:109":                                                        "cycle",
	"Etcd7492 Etcd7492.func2:160":                                                                                             "victim",
	"Etcd7902 runElectionFunc_etcd7902.func4:49":                                                                              "no-sender", // waits on a replaced, never closed nextc
	"Etcd7902 doRounds_etcd7902.func1:69":                                                                                     "victim",
	"Etcd7902 doRounds_etcd7902:75":                                                                                           "victim",
	"Etcd7902 doRounds_etcd7902.func1:64":                                                                                     "victim",
	"Grpc1275 (*recvBufferReader_grpc1275).Read:39":                                                                           "no-sender",
	"Grpc1424 DialContext_grpc1424.func1:91":                                                                                  "no-sender",
	"Grpc1460 (*http2Client_grpc1460).keepalive:37":                                                                           "cycle",
	"Grpc1460 (*http2Client_grpc1460).NewStream:46":                                                                           "cycle",
	"Grpc3017 (*lbCacheClientConn_grpc3017).NewSubConn:45":                                                                    "missing-unlock", // AfterFunc callback returns holding ccc.mu
	"Grpc3017 (*lbCacheClientConn_grpc3017).RemoveSubConn.func1:79":                                                           "missing-unlock",
	"Grpc3017 Grpc3017.func2:120":                                                                                             "victim",
	"Grpc660 (*benchmarkClient_grpc660).doCloseLoopUnary.func1:37":                                                            "no-receiver",
	"Grpc795 (*Server_grpc795).GracefulStop:26":                                                                               "double-lock",
	"Grpc795 (*Server_grpc795).Serve:33":                                                                                      "victim",
	"Grpc862 (*addrConn_grpc862).resetTransport:63":                                                                           "never-cancelled", // conn nil: Close never called
	"Hugo3251 (*remoteLock_hugo3251).URLLock:26":                                                                              "victim",
	"Hugo3251 (*remoteLock_hugo3251).URLLock:30":                                                                              "cycle", // holds l, waits m[url]; the holder of m[url] waits l.RLock
	"Hugo3251 (*remoteLock_hugo3251).URLUnlock:37":                                                                            "cycle",
	"Hugo3251 Hugo3251.func2:77":                                                                                              "victim",
	"Hugo5379 (*Page_hugo5379).initPlain:72":                                                                                  "cycle", // sync.Once and contentInitMu taken in opposite orders
	"Hugo5379 (*Page_hugo5379).initPlain.func1:75":                                                                            "cycle",
	"Hugo5379 (*Site_hugo5379).renderPages:192":                                                                               "victim",
	"Istio16224 Istio16224.func2.1:114":                                                                                       "cycle",
	"Istio16224 Istio16224.func2:122":                                                                                         "cycle",
	"Istio17860 (*agent_istio17860).runWait:79":                                                                               "no-receiver",
	"Istio18454 (*Strategy_istio18454).OnChange:53":                                                                           "victim",
	"Istio18454 (*Strategy_istio18454).startTimer.func1:68":                                                                   "timer-drain", // drains a timer whose value was already received
	"Kubernetes10182 (*statusManager_kubernetes10182).DeletePodStatus:46":                                                     "cycle",
	"Kubernetes10182 (*statusManager_kubernetes10182).SetPodStatus:53":                                                        "cycle",
	"Kubernetes11298 (*notifier_kubernetes11298).serviceLoop.func1:65":                                                        "missed-signal", // Signal before Wait
	"Kubernetes11298 (*notifier_kubernetes11298).serviceLoop:70":                                                              "victim",
	"Kubernetes11298 Kubernetes11298.func2:115":                                                                               "victim",
	"Kubernetes1321 (*Mux_kubernetes1321).distribute:70":                                                                      "cycle", // sends holding m.lock; stopWatching needs it to close
	"Kubernetes1321 (*Mux_kubernetes1321).stopWatching:76":                                                                    "cycle",
	"Kubernetes25331 (*watchChan_kubernetes25331).run:43":                                                                     "no-receiver",
	"Kubernetes26980 (*processorListener_kubernetes26980).pop:48":                                                             "cycle",
	"Kubernetes26980 Kubernetes26980.func2.1:79":                                                                              "cycle",
	"Kubernetes26980 Kubernetes26980.func2:83":                                                                                "cycle",
	"Kubernetes30872 (*federatedInformerImpl_kubernetes30872).addCluster:103":                                                 "cycle",
	"Kubernetes30872 (*federatedInformerImpl_kubernetes30872).Stop:117":                                                       "victim",
	"Kubernetes30872 (*DeltaFIFO_kubernetes30872).HasSynced:169":                                                              "cycle",
	"Kubernetes38669 (*cacheWatcher_kubernetes38669).sendWatchCacheEvent:43":                                                  "no-receiver",
	"Kubernetes5316 finishRequest_kubernetes5316.func1:35":                                                                    "no-receiver",
	"Kubernetes58107 (*Type_kubernetes58107).Get:40":                                                                          "cycle", // Get waits the Cond holding workerLock.RLock; Sync's Lock waits
	"Kubernetes58107 (*ResourceQuotaController_kubernetes58107).worker.func1:55":                                              "rlock-writer",
	"Kubernetes58107 (*ResourceQuotaController_kubernetes58107).Sync:74":                                                      "rlock-writer",
	"Kubernetes62464 (*stateMemory_kubernetes62464).GetCPUSet:50":                                                             "rlock-writer",
	"Kubernetes62464 (*stateMemory_kubernetes62464).SetDefaultCPUSet:65":                                                      "rlock-writer",
	"Kubernetes6632 (*idleAwareFramer_kubernetes6632).monitor:41":                                                             "cycle", // WriteFrame sends holding writeLock; monitor needs it to close
	"Kubernetes6632 (*idleAwareFramer_kubernetes6632).WriteFrame:56":                                                          "cycle",
	"Kubernetes70277 Kubernetes70277.func2:94":                                                                                "no-sender",
	"Moby17176 testDevmapperLockReleasedDeviceDeletion_moby17176.func1:48":                                                    "missing-unlock",
	"Moby21233 chanOutput_moby21233.WriteProgress:52":                                                                         "cycle",
	"Moby21233 (*Transfer_moby21233).Release:65":                                                                              "cycle",
	"Moby21233 (*Transfer_moby21233).Watch.func1:90":                                                                          "cycle",
	"Moby21233 testTransfer_moby21233:134":                                                                                    "victim",
	"Moby25348 (*Manager_moby25348).init:38":                                                                                  "missing-done", // Wait inside the loop that starts the workers
	"Moby30408 (*Plugin_moby30408).waitActive:32":                                                                             "missed-signal",
	"Moby30408 testActive_moby30408:48":                                                                                       "victim",
	"Moby33781 monitor_moby33781.func1:37":                                                                                    "no-receiver",
	"Moby36114 (*serviceVM_moby36114).hotRemoveVHDsAtStart:36":                                                                "double-lock",
	"Moby7559 (*UDPProxy_moby7559).Run:32":                                                                                    "double-lock",
	"Serving2137 (*Breaker_serving2137).Maybe:40":                                                                             "cycle",
	"Serving2137 (*Breaker_serving2137).concurrentRequest.func1.1:64":                                                         "cycle",
	"Serving2137 unlock_serving2137:95":                                                                                       "cycle",
	"Syncthing4829 (*Mapping_syncthing4829).notify:40":                                                                        "double-lock",
	"Syncthing5795 (*rawConnection_syncthing5795).Close.func1:75":                                                             "double-lock", // waits for its own deferred close
	"Syncthing5795 Syncthing5795.func2:101":                                                                                   "victim",
}

// gokerScore is the corpus's score: per leaking goroutine kind, whether
// the class is right, the partner or cycle named, and no claim
// contradicted.
type gokerScore struct {
	kinds, judged, class, partner, clean int
}

func scoreGoker(t *testing.T) (gokerScore, []string) {
	var s gokerScore
	var misses []string
	for _, name := range gokerNames(t) {
		r := gokerReport(t, name)
		for _, g := range r.Groups {
			s.kinds++
			at := fmt.Sprintf("%s %s:%d", name, strings.TrimPrefix(funcShort(g.Block.Func), "main."), g.Block.Line)
			class, ok := gokerExpect[at]
			if !ok {
				misses = append(misses, "not judged: "+at)
				continue
			}
			s.judged++
			named := partnerNamed(g)
			if named {
				s.partner++
			}
			right := slices.Contains(gokerClasses[class], g.Diagnosis.PatternID)
			if class == "victim" {
				right = named
			}
			if class == "cycle" && g.Diagnosis.Facts.Cycle > 0 {
				right = true
			}
			if right {
				s.class++
			} else {
				misses = append(misses, fmt.Sprintf("class %s, said %s: %s", class, g.Diagnosis.PatternID, at))
			}
			if len(contradictions(r, g)) == 0 {
				s.clean++
			}
		}
	}
	return s, misses
}

// TestGokerScore holds the diagnosis to the targets on the GoKer
// corpus: the right root-cause class for at least 80% of leaking goroutine
// kinds, the partner or cycle named for at least 70%, no contradicted
// claim. It logs the score for BENCHMARKS.md.
func TestGokerScore(t *testing.T) {
	s, misses := scoreGoker(t)
	pct := func(n int) float64 { return 100 * float64(n) / float64(s.judged) }
	t.Logf("GoKer: %d kernels, %d leaking goroutine kinds, %d judged; right class %d (%.0f%%), partner or cycle named %d (%.0f%%), no contradicted claim %d (%.0f%%)",
		len(gokerNames(t)), s.kinds, s.judged, s.class, pct(s.class), s.partner, pct(s.partner), s.clean, pct(s.clean))
	for _, m := range misses {
		t.Log(m)
	}
	if s.judged != s.kinds {
		t.Errorf("%d kinds not judged", s.kinds-s.judged)
	}
	if pct(s.class) < 80 {
		t.Errorf("right class %.0f%%, want ≥ 80%%", pct(s.class))
	}
	if pct(s.partner) < 70 {
		t.Errorf("partner named %.0f%%, want ≥ 70%%", pct(s.partner))
	}
	if s.clean != s.judged {
		t.Errorf("%d contradicted claims", s.judged-s.clean)
	}
}
