"""``load-balanced-web-app``: the seed's web app, consistent and ordered by references.

What changed from the seed, and why:

- The seed's ASG names a target group that does not exist; here it is created, with an
  application load balancer whose HTTPS listener uses the ACM certificate. ACM certificates
  cannot be exported into HAProxy, so TLS is terminated by that load balancer and the HAProxy
  frontend on OPNsense passes TLS through (mode tcp) to it: the frontend references the
  backend, the backend the HAProxy server, the server the load balancer's DNS name, and the
  load balancer the certificate's ARN - so the certificate is created before the frontend
  because values flow that way, not by luck.
- The firewall rule lets HTTPS reach the frontend's bind address (a reference) and depends on
  the app's VLAN explicitly (``dependsOn``): the rule is created after the VLAN.
- The alias of the app servers takes the ASG's instance IPs (``instanceIps``, a list).
- The Docker image build and registry push are optional (``buildContext``, ``registry``): a
  build needs a context directory, a push a registry.
"""

from __future__ import annotations

import base64

from pydantic import Field, model_validator

from mcp_iac.core import Deployment
from mcp_iac.patterns._pattern import pattern

from ._common import DOMAIN, NAME, Tagged, add


class WebAppParams(Tagged):
    app_name: str = Field(alias="appName", pattern=NAME, description="Application name.")
    domain: str = Field(pattern=DOMAIN, description="Public domain (the certificate's name).")
    min_instances: int = Field(2, alias="minInstances", ge=1, le=100, description="ASG minimum.")
    max_instances: int = Field(10, alias="maxInstances", ge=1, le=100, description="ASG maximum.")
    vlan_tag: int = Field(100, alias="vlanTag", ge=2, le=4094, description="The app's VLAN tag.")
    parent_interface: str = Field(
        "igc2", alias="parentInterface", description="OPNsense interface the VLAN is tagged on."
    )
    bind_address: str = Field(
        "0.0.0.0", alias="bindAddress", description="Address the HAProxy frontend listens on."
    )
    image_id: str = Field("ami-12c6146b", alias="imageId", description="AMI of the app servers.")
    instance_type: str = Field("t3.micro", alias="instanceType", description="EC2 type.")
    app_port: int = Field(8080, alias="appPort", ge=1, le=65535, description="App server port.")
    vpc_cidr: str = Field("198.18.0.0/16", alias="vpcCidr", description="The VPC's network.")
    availability_zones: list[str] = Field(
        default_factory=lambda: ["us-east-1a", "us-east-1b"],
        alias="availabilityZones",
        min_length=2,
        max_length=2,
        description="Two zones for the load balancer's subnets.",
    )
    build_context: str | None = Field(
        None, alias="buildContext", description="Docker build context of the app image (optional)."
    )
    registry: str | None = Field(
        None, description="Registry to push the image to, e.g. 127.0.0.1:5000/team (optional)."
    )

    @model_validator(mode="after")
    def _sizes(self) -> WebAppParams:
        if self.min_instances > self.max_instances:
            raise ValueError(
                f"minInstances ({self.min_instances}) is greater than maxInstances "
                f"({self.max_instances})"
            )
        if self.registry and not self.build_context:
            raise ValueError(
                "registry needs buildContext: there is no image to push without a build"
            )
        return self


def _subnet(cidr: str, index: int) -> str:
    base = cidr.split("/", maxsplit=1)[0].split(".")
    return f"{base[0]}.{base[1]}.{index}.0/24"


@pattern("load-balanced-web-app")
def web_app(p: WebAppParams) -> Deployment:
    """A web app on an AWS auto-scaling group behind a TLS load balancer, published through
    HAProxy on OPNsense on its own VLAN; optionally its Docker image built and pushed."""
    app = p.app_name
    tags = p.tags(App=app)
    d = Deployment(app)
    vlan = add(
        d,
        "opnsense:network:vlan",
        f"{app}-vlan",
        interface=p.parent_interface,
        tag=p.vlan_tag,
        description=f"{app} network",
    )
    vpc = add(d, "aws:ec2:vpc", f"{app}-vpc", cidrBlock=p.vpc_cidr, tags=tags)
    subnets = [
        add(
            d,
            "aws:ec2:subnet",
            f"{app}-subnet-{i + 1}",
            vpcId=vpc.out.id,
            cidrBlock=_subnet(p.vpc_cidr, i + 1),
            availabilityZone=zone,
            tags=tags,
        )
        for i, zone in enumerate(p.availability_zones)
    ]
    lb_sg = add(
        d,
        "aws:ec2:securityGroup",
        f"{app}-lb",
        description=f"{app} load balancer",
        vpcId=vpc.out.id,
        tags=tags,
        ingress=[
            {
                "protocol": "tcp",
                "fromPort": 443,
                "toPort": 443,
                "cidrBlocks": ["0.0.0.0/0"],
                "description": "HTTPS",
            }
        ],
    )
    app_sg = add(
        d,
        "aws:ec2:securityGroup",
        f"{app}-servers",
        description=f"{app} servers",
        vpcId=vpc.out.id,
        tags=tags,
        ingress=[
            {
                "protocol": "tcp",
                "fromPort": p.app_port,
                "toPort": p.app_port,
                "sourceSecurityGroupIds": [lb_sg.out.id],
                "description": "from the load balancer",
            }
        ],
    )
    cert = add(
        d,
        "aws:acm:certificate",
        f"{app}-cert",
        domainName=p.domain,
        validationMethod="DNS",
        tags=tags,
    )
    tg = add(
        d,
        "aws:elb:targetGroup",
        f"{app}-tg",
        port=p.app_port,
        protocol="HTTP",
        vpcId=vpc.out.id,
        healthCheckPath="/health",
        tags=tags,
    )
    lb = add(
        d,
        "aws:elb:loadBalancer",
        f"{app}-lb",
        subnetIds=[s.out.id for s in subnets],
        securityGroupIds=[lb_sg.out.id],
        tags=tags,
        listeners=[
            {
                "port": 443,
                "protocol": "HTTPS",
                "targetGroupArn": tg.out.arn,
                "certificateArn": cert.out.arn,
                "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
            }
        ],
    )
    image = f"{p.registry}/{app}:latest" if p.registry else f"{app}:latest"
    user_data = (
        f"#!/bin/bash\ndocker run -d --restart always -p {p.app_port}:{p.app_port} {image}\n"
    )
    template = add(
        d,
        "aws:ec2:launchTemplate",
        f"{app}-template",
        imageId=p.image_id,
        instanceType=p.instance_type,
        securityGroupIds=[app_sg.out.id],
        userData=base64.b64encode(user_data.encode()).decode(),
        tags=tags,
    )
    asg = add(
        d,
        "aws:autoscaling:group",
        f"{app}-asg",
        minSize=p.min_instances,
        maxSize=p.max_instances,
        launchTemplate=template.out.id,
        subnetIds=[s.out.id for s in subnets],
        targetGroupArns=[tg.out.arn],
        tags=tags,
    )
    add(
        d,
        "opnsense:firewall:alias",
        f"{app}-servers",
        name=f"{app.replace('-', '_')}_servers"[:32],
        type="host",
        content=asg.out.instanceIps,
        description=f"{app} app servers",
    )
    server = add(
        d,
        "opnsense:service:haproxy:server",
        f"{app}-lb",
        name=f"{app}-lb",
        address=lb.out.dnsName,
        port=443,
        description=f"{app} load balancer",
    )
    backend = add(
        d,
        "opnsense:service:haproxy:backend",
        f"{app}-backend",
        name=f"{app}-backend",
        mode="tcp",
        balance="leastconn",
        servers=[server.out.uuid],
    )
    frontend = add(
        d,
        "opnsense:service:haproxy:frontend",
        f"{app}-frontend",
        name=f"{app}-frontend",
        bind=f"{p.bind_address}:443",
        mode="tcp",
        defaultBackend=backend.out.uuid,
        description=f"{p.domain}: TLS passed to the load balancer",
    )
    add(
        d,
        "opnsense:firewall:rule",
        f"{app}-allow-https",
        depends_on=[vlan],
        interface="wan",
        protocol="tcp",
        source="any",
        destination=frontend.out.bindAddress,
        destinationPort=443,
        action="pass",
        log=True,
        description=f"HTTPS to {p.domain}",
    )
    if p.build_context:
        built = add(
            d,
            "docker:image:build",
            f"{app}-image",
            context=p.build_context,
            tags=[image],
            labels=tags,
        )
        if p.registry:
            add(
                d,
                "docker:registry:push",
                f"{app}-push",
                image=built.out.id,
                registry=p.registry,
                repository=app,
                tag="latest",
            )
    d.output("loadBalancer", lb.out.dnsName)
    d.output("certificate", cert.out.arn)
    d.output("frontend", frontend.out.bindAddress)
    return d
