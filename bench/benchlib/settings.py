"""How long and how often each scenario measures, per mode. Everything that decides the run's
duration is here, so the time limits (smoke < 60 s, quick < 2 min, full < 15 min) are checked in
one place."""

import dataclasses


@dataclasses.dataclass(frozen=True)
class Settings:
    mode: str
    reps: int                 # repetitions of each measured run (median and spread over them)
    warm_seconds: float       # one wrk -c1 run
    load_seconds: float       # one throughput run at a given concurrency
    warmup_seconds: float     # unmeasured load before measuring a subject under load (0: only
                              # the simultaneous calls that start kumo's instances)
    concurrency: tuple        # the throughput scenario's connection counts
    cold_samples: int         # cold starts per runtime
    burst_calls: int
    burst_reps: int
    memory_reps: int
    peer_cold_samples: int
    use_wrk: bool             # smoke uses the Python client: sub-second runs, no wrk needed


MODES = {
    "smoke": Settings("smoke", reps=1, warm_seconds=0.3, load_seconds=0.3, warmup_seconds=0.2,
                      concurrency=(32,), cold_samples=2, burst_calls=20, burst_reps=1,
                      memory_reps=1, peer_cold_samples=1, use_wrk=False),
    "quick": Settings("quick", reps=2, warm_seconds=1.0, load_seconds=1.0, warmup_seconds=0,
                      concurrency=(32, 128), cold_samples=5, burst_calls=100, burst_reps=1,
                      memory_reps=1, peer_cold_samples=3, use_wrk=True),
    "full": Settings("full", reps=5, warm_seconds=3.0, load_seconds=3.0, warmup_seconds=1.0,
                     concurrency=(32, 128), cold_samples=20, burst_calls=100, burst_reps=3,
                     memory_reps=3, peer_cold_samples=20, use_wrk=True),
}
