# check=skip=JSONArgsRecommended
# want buildkit:FromAsCasing buildkit:StageNameCasing
FROM debian:bookworm-slim as Build
# want buildkit:SecretsUsedInArgOrEnv
ENV API_TOKEN=changeme
# want buildkit:MaintainerDeprecated
MAINTAINER someone@example.com
CMD echo not reported: skipped by the check directive
