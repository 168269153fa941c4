# AWS footprint of redact: one S3 bucket per output root (SSE-KMS, versioning, public access blocked,
# lifecycle, access logs), a KEK with rotation that wraps the scope keysets, a storage key for S3, and
# least-privilege roles for run, purge and reveal.
#   terraform init && terraform plan -var prefix=acme-prod -var 'input_bucket_arns=[...]' ...
# Then point the config at the buckets (outputs.training: s3://<prefix>-training, ...), `--output
# s3://<prefix>-work/<dataset>` (canaries, staging, purge markers) and keys.kek_uri at output kek_uri.
# Object permissions on S3 come from these policies; POSIX modes (0600/0700) apply to local roots only.
terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

provider "aws" {
  region = var.region
}

data "aws_caller_identity" "current" {}

locals {
  # training and work hold redacted data; vault, quarantine, keys and audit are restricted roots.
  roots      = ["training", "vault", "quarantine", "audit", "keys", "work"]
  restricted = ["vault", "quarantine", "audit", "keys"]
  account    = data.aws_caller_identity.current.account_id
  bucket_arn = { for r in local.roots : r => aws_s3_bucket.root[r].arn }
  objects    = { for r in local.roots : r => "${aws_s3_bucket.root[r].arn}/*" }
}

# -- KMS: the KEK (wraps scope keysets, never data) and the storage key (SSE-KMS of every bucket) ------
data "aws_iam_policy_document" "key_admin" {
  #checkov:skip=CKV_AWS_111:key policy: "*" is this key only, and the account must administer it (else it is unmanageable)
  #checkov:skip=CKV_AWS_356:key policy: "*" is this key only; usage is granted by the role policies in iam.tf
  #checkov:skip=CKV_AWS_109:key policy: the account root administers the key; people get roles, never key grants
  statement {
    sid       = "AccountAdministersTheKey"
    actions   = ["kms:*"]
    resources = ["*"] # in a key policy "*" means this key
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${local.account}:root"]
    }
  }
}

resource "aws_kms_key" "kek" {
  description             = "${var.prefix} redact KEK: wraps per-scope Tink keysets (keys.kek_uri)"
  enable_key_rotation     = true # yearly new key material; old versions still decrypt older wraps
  rotation_period_in_days = 365
  deletion_window_in_days = 7 # crypto-shred of every scope it wrapped: shortest AWS allows
  policy                  = data.aws_iam_policy_document.key_admin.json
}

resource "aws_kms_alias" "kek" {
  name          = "alias/${var.prefix}-redact-kek"
  target_key_id = aws_kms_key.kek.key_id
}

resource "aws_kms_key" "storage" {
  description             = "${var.prefix} redact storage: SSE-KMS of the output buckets"
  enable_key_rotation     = true
  rotation_period_in_days = 365
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.key_admin.json
}

# -- buckets ---------------------------------------------------------------------------------------
resource "aws_s3_bucket" "logs" {
  #checkov:skip=CKV_AWS_18:this is the access-log target; logging it into itself would loop
  #checkov:skip=CKV_AWS_144:single region by design (data residency); replication would copy logs of PII access
  #checkov:skip=CKV2_AWS_62:no consumer for event notifications on access logs
  bucket = "${var.prefix}-redact-logs"
}

resource "aws_s3_bucket" "root" {
  #checkov:skip=CKV_AWS_144:single region by design: a replica would be one more copy of vault/quarantine PII for purge and shred to reach
  #checkov:skip=CKV2_AWS_62:the pipeline does not consume S3 events (manifests and CURRENT are the contract)
  for_each = toset(local.roots)
  bucket   = "${var.prefix}-redact-${each.key}"
  # Audit events are write-once: Object Lock keeps a deleted or overwritten event (item: shred ledger).
  object_lock_enabled = each.key == "audit"
}

resource "aws_s3_bucket_object_lock_configuration" "audit" {
  bucket = aws_s3_bucket.root["audit"].id
  rule {
    default_retention {
      mode = "GOVERNANCE"
      days = var.audit_retention_days
    }
  }
}

resource "aws_s3_bucket_public_access_block" "all" {
  for_each                = toset(concat(local.roots, ["logs"]))
  bucket                  = each.key == "logs" ? aws_s3_bucket.logs.id : aws_s3_bucket.root[each.key].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "all" {
  for_each = toset(concat(local.roots, ["logs"]))
  bucket   = each.key == "logs" ? aws_s3_bucket.logs.id : aws_s3_bucket.root[each.key].id
  rule {
    object_ownership = "BucketOwnerEnforced" # no ACLs: access is IAM and bucket policy only
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "root" {
  for_each = toset(local.roots)
  bucket   = aws_s3_bucket.root[each.key].id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.storage.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.storage.arn
    }
    bucket_key_enabled = true
  }
}

# Versioning protects against overwrites and ransomware; the lifecycle below removes noncurrent versions
# after noncurrent_version_days, so purge and shred are complete after that delay (SECURITY.md).
resource "aws_s3_bucket_versioning" "all" {
  for_each = toset(concat(local.roots, ["logs"]))
  bucket   = each.key == "logs" ? aws_s3_bucket.logs.id : aws_s3_bucket.root[each.key].id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "all" {
  for_each   = toset(concat(local.roots, ["logs"]))
  bucket     = each.key == "logs" ? aws_s3_bucket.logs.id : aws_s3_bucket.root[each.key].id
  depends_on = [aws_s3_bucket_versioning.all]
  rule {
    id     = "noncurrent-and-uploads"
    status = "Enabled"
    filter {}
    noncurrent_version_expiration {
      noncurrent_days = contains(["audit", "logs"], each.key) ? var.audit_retention_days : var.noncurrent_version_days
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}

resource "aws_s3_bucket_logging" "root" {
  for_each      = toset(local.roots)
  bucket        = aws_s3_bucket.root[each.key].id
  target_bucket = aws_s3_bucket.logs.id
  target_prefix = "${each.key}/"
}

data "aws_iam_policy_document" "tls_only" {
  for_each = toset(local.roots)
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [local.bucket_arn[each.key], local.objects[each.key]]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "tls_only" {
  for_each = toset(local.roots)
  bucket   = aws_s3_bucket.root[each.key].id
  policy   = data.aws_iam_policy_document.tls_only[each.key].json
}
