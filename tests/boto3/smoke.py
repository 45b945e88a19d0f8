"""Drive the reference with boto3: the alias lifecycle and modeled errors.

Usage: python smoke.py ENDPOINT_URL
Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, else dummies.
Exit status 0 on success; an AssertionError or botocore error otherwise.
"""

import os
import sys
import uuid

import boto3


def main(endpoint: str) -> None:
    kms = boto3.client(
        "kms",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "AKIDSMOKE"),
        aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "smoke-secret"),
    )
    name = f"alias/smoke-{uuid.uuid4().hex[:12]}"

    a = kms.create_key(Description="smoke a")["KeyMetadata"]
    b = kms.create_key(Description="smoke b")["KeyMetadata"]
    assert a["KeyState"] == "Enabled", a
    assert a["Arn"].endswith(a["KeyId"]), a

    kms.create_alias(AliasName=name, TargetKeyId=a["Arn"])
    created = [x for x in kms.list_aliases(KeyId=a["KeyId"])["Aliases"] if x["AliasName"] == name]
    assert len(created) == 1, created
    assert created[0]["TargetKeyId"] == a["KeyId"], created
    assert created[0]["CreationDate"] == created[0]["LastUpdatedDate"], created

    kms.update_alias(AliasName=name, TargetKeyId=b["KeyId"])
    entries = [x for x in kms.list_aliases()["Aliases"] if x["AliasName"] == name]
    assert len(entries) == 1, entries
    entry = entries[0]
    assert entry["TargetKeyId"] == b["KeyId"], entry
    assert entry["CreationDate"] == created[0]["CreationDate"], entry
    assert entry["LastUpdatedDate"] > created[0]["LastUpdatedDate"], entry
    assert kms.describe_key(KeyId=name)["KeyMetadata"]["KeyId"] == b["KeyId"]

    # Every page, via botocore's paginator (Marker / NextMarker / Truncated).
    names = [x["AliasName"] for page in kms.get_paginator("list_aliases").paginate(PaginationConfig={"PageSize": 3}) for x in page["Aliases"]]
    assert name in names and names == sorted(names), names

    try:
        kms.create_alias(AliasName=name, TargetKeyId=a["KeyId"])
        raise AssertionError("CreateAlias of an existing alias succeeded")
    except kms.exceptions.AlreadyExistsException as e:
        assert "already exists" in str(e), e

    kms.delete_alias(AliasName=name)
    try:
        kms.delete_alias(AliasName=name)
        raise AssertionError("DeleteAlias of a missing alias succeeded")
    except kms.exceptions.NotFoundException as e:
        assert e.response["Error"]["Message"].endswith("is not found."), e.response

    try:
        kms.create_alias(AliasName="no-prefix", TargetKeyId=a["KeyId"])
        raise AssertionError("CreateAlias without the alias/ prefix succeeded")
    except kms.exceptions.ClientError as e:
        assert e.response["Error"]["Code"] == "ValidationException", e.response
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 400

    print("boto3 smoke: ok")


if __name__ == "__main__":
    main(sys.argv[1])
