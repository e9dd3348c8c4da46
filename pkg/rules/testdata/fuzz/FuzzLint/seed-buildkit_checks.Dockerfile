go test fuzz v1
[]byte("# check=skip=JSONArgsRecommended\n# want buildkit:FromAsCasing buildkit:StageNameCasing\nFROM debian:bookworm-slim as Build\n# want buildkit:SecretsUsedInArgOrEnv\nENV API_TOKEN=changeme\n# want buildkit:MaintainerDeprecated\nMAINTAINER someone@example.com\nCMD echo not reported: skipped by the check directive\n")
