@testable import ShqPrivacy
import Testing

/// One real-shaped example per row of `TokenFormats.rows` (random bodies of the documented length and
/// alphabet): the row's name, a command line carrying it, and what is stored.
let tokenFormatExamples: [(String, String, String)] = [
    ("GitHub personal access token", "git clone https://ghp_oCCxKr1vIWc7C6QNJyMs4h7hSe4vg2V76a1P@github.com/acme/app.git", "git clone https://[REDACTED]@github.com/acme/app.git"),
    ("GitHub OAuth token", "GH_TOKEN=gho_KvsLrgOQ3ntGi0Z0ALZcwNjKHeIIQr3XSFgJ gh pr list", "GH_TOKEN=[REDACTED] gh pr list"),
    ("GitHub user-to-server token", "curl -H 'Authorization: Bearer ghu_CkaCqnQKyfylZ8EVeIz4J7utmglhJ1LcaEL4' https://api.github.com/user", "curl -H 'Authorization: Bearer [REDACTED]' https://api.github.com/user"),
    ("GitHub server-to-server token", "git push https://x-access-token:ghs_qPr0akShZ5PFyhPQF0zBzCvLROOJwRIMGdNZ@github.com/acme/app.git", "git push https://x-access-token:[REDACTED]@github.com/acme/app.git"),
    ("GitHub refresh token", "echo ghr_d40xs5L17GSBjRsTQFR6516za3rFwHOEkiuf6srtBk5JLCKkfDXevgy7QMVmNiP3gMsDQKBIRVYy > refresh.txt", "echo [REDACTED] > refresh.txt"),
    ("GitHub fine-grained token", "gh auth login --with-token <<< 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", "gh auth login --with-token <<< [REDACTED]"),
    ("GitLab personal access token", "glab auth login --hostname gitlab.com -t glpat-u9ZYi49SbIz0-516fuIK", "glab auth login --hostname gitlab.com -t [REDACTED]"),
    ("GitLab pipeline trigger token", "curl -X POST -F token=glptt-caba552abb45deb93f1f4aefbb6e04f47729fa28 -F ref=main https://gitlab.com/api/v4/projects/9/trigger/pipeline", "curl -X POST -F token=[REDACTED] -F ref=main https://gitlab.com/api/v4/projects/9/trigger/pipeline"),
    ("GitLab deploy token", "git clone https://gitlab+deploy-token-7:gldt-nNzlWac6511eN8woxM_W@gitlab.com/acme/app.git", "git clone https://gitlab+deploy-token-7:[REDACTED]@gitlab.com/acme/app.git"),
    ("GitLab runner token", "gitlab-runner register --non-interactive --url https://gitlab.com -r glrt-wMeZ4swstab2-lxwX6mR", "gitlab-runner register --non-interactive --url https://gitlab.com -r [REDACTED]"),
    ("GitLab runner registration token", "gitlab-runner register -r GR1348941cVIpwQl2qjqDTMBlphf1", "gitlab-runner register -r [REDACTED]"),
    ("GitLab OAuth application secret", "echo gloas-bc4042680e971b79ca4eb8d7be04507dbe30b06b7da642b090e674a36f8c85f2", "echo [REDACTED]"),
    ("GitLab CI job token", "curl --header \"JOB-TOKEN: glcbt-2b_KEuytsWNcQKvWDLbdeVe\" https://gitlab.com/api/v4/jobs", "curl --header \"JOB-TOKEN: [REDACTED]\" https://gitlab.com/api/v4/jobs"),
    ("GitLab SCIM token", "echo glsoat-w2x1-dXK07hR1jpYCTk_", "echo [REDACTED]"),
    ("GitLab feed token", "curl 'https://gitlab.com/dashboard/projects.atom?feed_token=glft-vT13Tk4YjfrIFX4VwjF3'", "curl 'https://gitlab.com/dashboard/projects.atom?feed_token=[REDACTED]'"),
    ("GitLab feature-flag client token", "echo glffct-imz_4YzS6O8DpAFQ4lFF", "echo [REDACTED]"),
    ("GitLab incoming-mail token", "echo glimt-9b93f7d8490cabecdcf9314f3", "echo [REDACTED]"),
    ("GitLab agent token", "helm upgrade --install agent gitlab/gitlab-agent --set config.token=glagent-zZoqZSJ0iHD9msRYZwAGPPBiURfi5v1P44OMlfpYoG8lsDZrvx", "helm upgrade --install agent gitlab/gitlab-agent --set config.token=[REDACTED]"),
    ("Bitbucket app password", "git clone https://me:ATBBMTonIHJVCqS2S793lNGA50ImYqeoR86f@bitbucket.org/acme/app.git", "git clone https://me:[REDACTED]@bitbucket.org/acme/app.git"),
    ("Atlassian API token", "curl -u me@acme.io:ATATT3xFfGF0FjzVek2Mkj5rkTAZjY9g6YfGKPoQWoW5WjqFFn3SFEZxH7JtwREk3xldBrwRNYcAWs3T83ybHEpyOGl-m0Q3cg3fMr7A8npNh-OMjdPx1UtkmYltULTFZb9Zzsja0sTt5Pz_zzxHlrzRV1BAqvCjIIzGI472imdRslBRIGe3EIjLAM1uyugq=742FLGLE https://acme.atlassian.net/rest/api/3/myself", "curl -u me@acme.io:[REDACTED] https://acme.atlassian.net/rest/api/3/myself"),
    ("Bitbucket access token", "curl -H 'Authorization: Bearer ATCTT3xFfGN0c2p6aBg0HDtqUKS4ZKLFw_jzQ0xmY2ScSy-5EgNg0SMSx-GgoRpSigALH4fNVWQq_yLKuHjZEfTPZUdX2g21OUu7pcn2Tt3q9FelDQUeU5ryd0FIy6mt998OIYwmUnZj6c4qdBzbTk12FfByJFsqaYVyzm6UNIuW-LOCkVqQt9Sxq4REOne4=UILPKDOD' https://api.bitbucket.org/2.0/user", "curl -H 'Authorization: Bearer [REDACTED]' https://api.bitbucket.org/2.0/user"),
    ("AWS access key id", "aws configure set aws_access_key_id AKIATVBNCZKV1FH2SK1D", "aws configure set aws_access_key_id [REDACTED]"),
    ("Google API key", "curl 'https://www.googleapis.com/youtube/v3/search?part=snippet&q=x&key=AIzavu51Braa2NxQ801kFUAJl15LVS-X7OlMC7O'", "curl 'https://www.googleapis.com/youtube/v3/search?part=snippet&q=x&key=[REDACTED]'"),
    ("Google OAuth client secret", "gcloud auth application-default login --client-id-file=c.json # 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", "gcloud auth application-default login --client-id-file=c.json # [REDACTED]"),
    ("Google OAuth access token", "curl -H 'X-Goog-User-Project: p' https://x/?access=ya29.a04tpbBD4SPi0BQFhPetZGlEwXcY_gfiOrGbYbbS.d5AMxPND9Toom0TEaanNtQriGPqT8WaGVCsox97ahyZHcCpGrsvXxTFQmrzDki9ZZnqrua9-.qdG-7uenlM3iX2Xh2MbCHlPg5jo9IneqsUPsbc", "curl -H 'X-Goog-User-Project: p' https://x/?access=[REDACTED]"),
    ("DigitalOcean token", "doctl compute droplet list --access-token dop_v1_6b67634413ac2552f47ff40ae645f597eea9dc1a352875a30ad2d2702b0f40ed", "doctl compute droplet list --access-token [REDACTED]"),
    ("Heroku API key", "echo HRKU-AAg3ALVRx1nS8_yxnyB_uEHvH8VztTJuOcZotvbqNYr6vUqsAKz5Eq9RBC_7 | heroku auth:token", "echo [REDACTED] | heroku auth:token"),
    ("HashiCorp Vault token", "vault login hvs.dByK-gj3DjktpeMFaidD7oTN3E26ojSsCecIuWzVivMNtmjSQB4TkYuJcchZOfLLQFS4CpnxtyWKhLDjsw0GsERcnT", "vault login [REDACTED]"),
    ("Terraform Cloud token", "echo 'credentials \"app.terraform.io\" { token = \"uOnpuYN1HruzeZ.atlasv1.WuLoPpwAE1cu9sh0dhqtOb4gyZGT7TALwCMpXvlHuz9b5-I2I9RN1SPjfuvt5XMYGxZ\" }' > ~/.terraformrc", "echo 'credentials \"app.terraform.io\" { token = \"[REDACTED]\" }' > ~/.terraformrc"),
    ("Databricks token", "databricks configure --host https://acme.cloud.databricks.com # dapi17328c8ad0644761fac2d08408624194", "databricks configure --host https://acme.cloud.databricks.com # [REDACTED]"),
    ("Fly.io token", "flyctl deploy --access-token fo1_t4PnuT7LB0g5FaKoryC5hZl5lyXl07UjUBUGOAuTGNe", "flyctl deploy --access-token [REDACTED]"),
    ("Doppler token", "doppler configure set token dp.pt.X3k8vjeqO2oFiHHiQDXQoV1AqpzrFw4jvyrh2R9GGE1", "doppler configure set token [REDACTED]"),
    ("Supabase token", "supabase login --token sbp_5bb04a30db646eae6813eb606c2eb19ed2e23536", "supabase login --token [REDACTED]"),
    ("PlanetScale token", "pscale auth login --service-token pscale_tkn_YLd7dKCQugLQBBo3AvFpZZctgawRMh2SoTrKSQ4fYDw", "pscale auth login --service-token [REDACTED]"),
    ("Pulumi token", "pulumi login --cloud-url https://api.pulumi.com # pul-0e188749fae2a17eccb6d3042c02dd18f44db56e", "pulumi login --cloud-url https://api.pulumi.com # [REDACTED]"),
    ("age secret key", "echo AGE-SECRET-KEY-16ENQ80D8K8E49PWY09YNJPVWP48M26UZN0G7MTZHUFGHHC6YZJYGQG8E8H > key.txt", "echo [REDACTED] > key.txt"),
    ("npm token", "npm config set //registry.npmjs.org/:_authToken npm_doE9YPTSNdUYK3ckAOLis41Cc0wew7z9f7WD", "npm config set //registry.npmjs.org/:_authToken [REDACTED]"),
    ("PyPI token", "uv publish --token pypi-AgEIcHlwaS5vcmc8LJ88LGsrgFG-fn2HysFhCkSj9gwqutDUtAaRepAcMFu9sWBhepXpzh8GsHFdoAooi091l", "uv publish --token [REDACTED]"),
    ("RubyGems API key", "gem signin --otp 123456 # rubygems_a29eafab44ed6ab84ba5cdda761cc3e08933bb9ace1dcd4d", "gem signin --otp 123456 # [REDACTED]"),
    ("NuGet API key", "nuget setapikey oy2ezbc1kq0d6gv333sblhyppfpkx6w8118xowfx4im7gq -Source https://api.nuget.org/v3/index.json", "nuget setapikey [REDACTED] -Source https://api.nuget.org/v3/index.json"),
    ("Docker Hub token", "docker login -u acme --password-stdin <<< dckr_pat_uuAuqPegICYxOwEXHzrQiIqstfw", "docker login -u acme --password-stdin <<< [REDACTED]"),
    ("crates.io token", "cargo login ciobkTFzrZtJBOj9CAe13ms1NJGt7unWbDd", "cargo login [REDACTED]"),
    ("Hugging Face token", "huggingface-cli login --token hf_tB66pT2mCYVyKpi5GyxQjjwv7i3S4Rw9nB", "huggingface-cli login --token [REDACTED]"),
    ("Slack token", "curl -d 'channel=C1' -d 'text=hi' -d token=xoxb-004111158397-5548184453098-a4HgEhQWBYlAgeP2umysAF9r https://slack.com/api/chat.postMessage", "curl -d 'channel=C1' -d 'text=hi' -d token=[REDACTED] https://slack.com/api/chat.postMessage"),
    ("Slack webhook", "curl -d '{\"text\":\"deployed\"}' https://hooks.slack.com/services/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", "curl -d '{\"text\":\"deployed\"}' https://hooks.slack.com/services/[REDACTED]"),
    ("Discord webhook", "curl -F content=hi https://discord.com/api/webhooks/0524786977027105910/Ov2kWzw4z9wQXnXfERl7F7AUf2Ltv9mV_rXKbZ0cU4YZAKKeWyVFBxXyuSp-1f4R_rF1", "curl -F content=hi https://discord.com/api/webhooks/0524786977027105910/[REDACTED]"),
    ("Discord bot token", "curl -H 'Authorization: Bot MTQ8DmgknmhuFC5ltgFim5r3bG.E_S029.cRq3j9y2k4s0vDQeDPVL3K2TpTA6cD87vQmi86' https://discord.com/api/v10/users/@me", "curl -H 'Authorization: Bot [REDACTED]' https://discord.com/api/v10/users/@me"),
    ("Telegram bot token", "TG=9495568451:AA8smBejcqstPgddOGy-qP2mo0L8dMW5z0k python bot.py", "TG=[REDACTED] python bot.py"),
    ("Telegram bot token in a URL", "curl https://api.telegram.org/bot0125540161:AAMouO7hQTMdqoLmEHHAXONrDn4qKk9okwK/sendMessage -d chat_id=42 -d text=hi", "curl https://api.telegram.org/bot[REDACTED]/sendMessage -d chat_id=42 -d text=hi"),
    ("Stripe secret key", "curl https://api.stripe.com/v1/charges -u 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:", "curl https://api.stripe.com/v1/charges -u [REDACTED]:"),
    ("Stripe webhook secret", "stripe listen --forward-to localhost:4242 # whsec_oqsHZokOlZCnvFKXmXdt33Ed8RkUfNft", "stripe listen --forward-to localhost:4242 # [REDACTED]"),
    ("Twilio API key", "twilio profiles:create --api-key SKad3dca730e59bb893efc216863606a02", "twilio profiles:create --api-key [REDACTED]"),
    ("SendGrid API key", "echo \"export SENDGRID=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\" >> .envrc", "echo \"export SENDGRID=[REDACTED]\" >> .envrc"),
    ("Mailchimp API key", "curl https://us21.api.mailchimp.com/3.0/ --user 'anystring:24b5f2753488598c44e0d60cf411a3e6-us21'", "curl https://us21.api.mailchimp.com/3.0/ --user 'anystring:[REDACTED]'"),
    ("Shopify token", "curl -H 'X-Shopify-Access: 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' https://acme.myshopify.com/admin/api/2024-01/shop.json", "curl -H 'X-Shopify-Access: [REDACTED]' https://acme.myshopify.com/admin/api/2024-01/shop.json"),
    ("Linear API key", "curl -H 'Authorization: lin_api_AKL6gFlCjcFddoFPObRRP7MqUFkdYyjpWKLVV0Ci' https://api.linear.app/graphql", "curl -H 'Authorization: [REDACTED]' https://api.linear.app/graphql"),
    ("Postman API key", "newman run coll.json --postman-api-key PMAK-b59010d58cff1a4ffd3fba17-69c3130b2387a8a0609ae842d0cdfb14e4", "newman run coll.json --postman-api-key [REDACTED]"),
    ("Grafana token", "grafana-cli --token glsa_oAIqXiaqpZLYcFHMWRQwGmzKPk5N4QLC_e245e9b1 plugins ls", "grafana-cli --token [REDACTED] plugins ls"),
    ("New Relic key", "newrelic profile add --apiKey NRAK-NIASSPDNLZOF84VMDWVNLRJRF5G", "newrelic profile add --apiKey [REDACTED]"),
    ("Sentry token", "sentry-cli --auth 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 releases list", "sentry-cli --auth [REDACTED] releases list"),
    ("OpenAI or Anthropic key", "OPENAI=sk-proj--Mf0vkvMlh4xcPTA-uMLalGSORUEC6LJKKsbnjSchMEol_YKT3BlbkFJ7bhzgFNbDiKgr8-OL3RAujdk2klVGI0KgDkkuR3HS-vVPrRv python app.py", "OPENAI=[REDACTED] python app.py"),
    ("Mapbox secret token", "mapbox upload acme.data data.geojson # sk.eyJ1IjoiYWNtZSIsImEiOiJjw5wCG1KxW4QhIu0FMT70.9GdcondrLIexpxtWq6vmfN", "mapbox upload acme.data data.geojson # [REDACTED]"),
    ("JSON Web Token", "curl 'https://api.acme.io/export?jwt=eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiI0MiIsImV4cCI6MTkwMDAwMDAwMCwicm9sZSI6ImFkbWluIn0.saxbVojjoS0FZKtPgvx2WJ2a6CU9vwI9RyGqLC9sxyZ31s0VrN4m3fsP0oQyjYQWrdiH6hC6BGMF3WED14izrQ'", "curl 'https://api.acme.io/export?jwt=[REDACTED]'"),
]

@Suite struct TokenFormatTests {
    @Test func everyRowHasAnExample() {
        let named = Set(tokenFormatExamples.map(\.0))
        let missing = TokenFormats.rows.map(\.name).filter { !named.contains($0) }
        #expect(missing.isEmpty, "rows without an example: \(missing)")
        #expect(Set(TokenFormats.rows.map(\.name)).count == TokenFormats.rows.count, "row names must be unique")
    }

    /// The scanner builds its tables only for lines with a word of `shortestMatch` bytes: that must be
    /// the shortest any row matches, and no row may match across a blank.
    @Test func lineSkippingAgreesWithTheRows() {
        #expect(TokenFormats.rows.map(\.minimumLength).min() == TokenFormats.shortestMatch)
        let blankMatchers = TokenFormats.rows.filter(\.canMatchBlank).map(\.name)
        #expect(blankMatchers.isEmpty, "rows that can match a blank: \(blankMatchers)")
        for (_, line, expected) in tokenFormatExamples where line != expected {
            let longest = Array(line.utf8).withUnsafeBufferPointer(TokenScan.longestWord)
            #expect(longest >= TokenFormats.shortestMatch, "\(line)")
        }
    }

    @Test(arguments: tokenFormatExamples)
    func redactsExample(row: String, line: String, expected: String) {
        #expect(Redactor.redact(line) == expected)
        // The example is caught by its own row, not only by the words around it.
        guard let format = TokenFormats.rows.first(where: { $0.name == row }) else {
            Issue.record("no row named \(row)")
            return
        }
        let bytes = Array(line.utf8)
        let matched = bytes.withUnsafeBufferPointer { buffer in
            (0..<buffer.count).contains { $0 == 0 || !isAlphanumeric(buffer[$0 - 1]) ? format.match(buffer, at: $0) != nil : false }
        }
        #expect(matched, "row \(row) does not match its example")
    }

    /// A format's body one byte short of its minimum, or glued into a longer word, is some other word.
    @Test func shortOrEmbeddedShapesStay() {
        for line in ["echo ghp_0123456789abcdefghijklmnopqr", "echo xghp_0123456789abcdefghijklmnopqrstuvwxyzAB",
                     "echo AKIA0123456789ABCDEFG", "echo dop_v1_0123", "echo 12345678:AAshort", "cat eyJhbGciOi.json",
                     "ls hooks.slack.com/services/", "echo SK0123"] {
            #expect(Redactor.redact(line) == line)
        }
    }
}
