# Least-privilege roles. Who may do what (SECURITY.md, "Who can reveal"):
#   run     read inputs; write training/vault/quarantine/work; append audit; read keysets; KEK decrypt
#   purge   rewrite and delete training/vault/quarantine/work; append audit; rewrite keysets (shred); KEK decrypt
#   reveal  read vault, keysets, manifests (training) and audit (shred ledger); append audit; KEK decrypt
# Creating or rotating keysets (KEK encrypt) is an administrator task: no role here may encrypt with the KEK.
# Nobody but the account can delete audit events (Object Lock) or schedule KEK deletion.

locals {
  storage_use = ["kms:Decrypt", "kms:GenerateDataKey"] # SSE-KMS reads and writes
  roles = {
    run    = var.run_principal_arns
    purge  = var.purge_principal_arns
    reveal = var.reveal_principal_arns
  }
}

data "aws_iam_policy_document" "assume" {
  for_each = local.roles
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = each.value
    }
  }
}

resource "aws_iam_role" "redact" {
  for_each             = local.roles
  name                 = "${var.prefix}-redact-${each.key}"
  assume_role_policy   = data.aws_iam_policy_document.assume[each.key].json
  max_session_duration = 3600
}

# Every role unwraps keysets with the KEK (decrypt only: creating and rotating keysets is an admin task)
# and reads and writes objects under the storage key; one document, included by each role's policy.
data "aws_iam_policy_document" "keys" {
  statement {
    sid       = "UnwrapKeysets"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.kek.arn]
  }
  statement {
    sid       = "StorageKey"
    actions   = local.storage_use
    resources = [aws_kms_key.storage.arn]
  }
}

data "aws_iam_policy_document" "run" {
  source_policy_documents = [data.aws_iam_policy_document.keys.json]
  statement {
    sid       = "ReadInputs"
    actions   = ["s3:GetObject", "s3:ListBucket"]
    resources = concat(var.input_bucket_arns, [for b in var.input_bucket_arns : "${b}/*"])
  }
  statement {
    sid       = "ListOutputs"
    actions   = ["s3:ListBucket"]
    resources = [for r in ["training", "vault", "quarantine", "audit", "keys", "work"] : local.bucket_arn[r]]
  }
  statement {
    sid       = "WriteOutputs"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = [for r in ["training", "vault", "quarantine", "work"] : local.objects[r]]
  }
  statement {
    sid       = "ReadKeysetsAndAudit"
    actions   = ["s3:GetObject"]
    resources = [local.objects["keys"], local.objects["audit"]]
  }
  statement {
    sid       = "AppendAudit"
    actions   = ["s3:PutObject"]
    resources = [local.objects["audit"]]
  }
}

data "aws_iam_policy_document" "purge" {
  source_policy_documents = [data.aws_iam_policy_document.keys.json]
  statement {
    sid       = "ListOutputs"
    actions   = ["s3:ListBucket"]
    resources = [for r in ["training", "vault", "quarantine", "audit", "keys", "work"] : local.bucket_arn[r]]
  }
  statement {
    sid       = "RewriteOutputs"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = [for r in ["training", "vault", "quarantine", "work", "keys"] : local.objects[r]]
  }
  statement {
    sid       = "ReadAndAppendAudit"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = [local.objects["audit"]]
  }
}

data "aws_iam_policy_document" "reveal" {
  source_policy_documents = [data.aws_iam_policy_document.keys.json]
  statement {
    sid       = "ListRestricted"
    actions   = ["s3:ListBucket"]
    resources = [for r in ["training", "vault", "audit", "keys"] : local.bucket_arn[r]]
  }
  statement {
    sid       = "ReadVaultKeysetsManifestsAudit"
    actions   = ["s3:GetObject"]
    resources = [for r in ["training", "vault", "audit", "keys"] : local.objects[r]]
  }
  statement {
    sid       = "AppendAudit"
    actions   = ["s3:PutObject"]
    resources = [local.objects["audit"]]
  }
}

locals {
  policies = {
    run    = data.aws_iam_policy_document.run.json
    purge  = data.aws_iam_policy_document.purge.json
    reveal = data.aws_iam_policy_document.reveal.json
  }
}

resource "aws_iam_role_policy" "redact" {
  for_each = local.roles
  name     = "${var.prefix}-redact-${each.key}"
  role     = aws_iam_role.redact[each.key].id
  policy   = local.policies[each.key]
}

output "kek_uri" {
  value = "aws-kms://${aws_kms_key.kek.arn}"
}

output "buckets" {
  value = { for r in local.roots : r => "s3://${aws_s3_bucket.root[r].bucket}" }
}

output "role_arns" {
  value = { for k, _ in local.roles : k => aws_iam_role.redact[k].arn }
}
