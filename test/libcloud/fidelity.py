"""
Apache Libcloud's gridscale driver, unchanged, against the simulator's loopback server.

Usage: python3 fidelity.py PORT USER_UUID TOKEN
Prints one line per step and "FIDELITY OK" at the end; any failure exits non-zero.
"""
import sys
import time

from libcloud.compute.base import NodeSize
from libcloud.compute.drivers.gridscale import GridscaleNodeDriver
from libcloud.compute.types import NodeState

port, user_uuid, token = int(sys.argv[1]), sys.argv[2], sys.argv[3]
driver = GridscaleNodeDriver(user_uuid, token, secure=False, host="127.0.0.1", port=port)
# Jobs take a fraction of a second in the simulator; poll at the same pace.
driver.connection.poll_interval = 0.1


def step(name, value=None):
    print("ok: " + name + ("" if value is None else " -> " + str(value)), flush=True)


def check(condition, message):
    if not condition:
        raise AssertionError(message)


locations = driver.list_locations()
check(len(locations) >= 1, "no location")
location = locations[0]
step("list_locations", [l.name for l in locations])

images = driver.list_images()
check(len(images) >= 1, "no image")
check(all(i.extra["ostype"] for i in images), "an image without ostype")
image = sorted(images, key=lambda i: i.extra["capacity"])[0]
step("list_images", [i.name for i in images])

networks = driver.ex_list_networks()
check(len(networks) >= 1, "no network")
step("ex_list_networks", [n.name for n in networks])

check(driver.list_nodes() == [], "nodes before any was created")
step("list_nodes (empty)")
check(driver.list_volumes() == [], "volumes before any was created")
step("list_volumes (empty)")
check(driver.ex_list_ips() == [], "ips before any was created")
step("ex_list_ips (empty)")
check(driver.list_key_pairs() == [], "keys before any was imported")
step("list_key_pairs (empty)")

key = driver.import_key_pair_from_string("fidelity-key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFidelity test@example")
check(key.name == "fidelity-key", "key name")
keys = driver.list_key_pairs()
check([k.name for k in keys] == ["fidelity-key"], "listed keys")
check(keys[0].public_key.startswith("ssh-ed25519"), "listed key material")
step("import_key_pair_from_string + list_key_pairs", key.extra["uuid"])

size = NodeSize(id="small", name="small", ram=2048, disk=max(10, image.extra["capacity"]), bandwidth=None,
                price=None, driver=driver, extra={"cores": 2})
node = driver.create_node(name="fidelity-node", size=size, image=image, location=location,
                          ex_ssh_key_ids=[key.extra["uuid"]])
check(node.name == "fidelity-node", "node name")
check(len(node.public_ips) == 1, "node public ip")
step("create_node", node.id)

# The API turns power asynchronously: the node runs once its power job is done.
deadline = time.time() + 10
nodes = driver.list_nodes()
while nodes and nodes[0].state != NodeState.RUNNING and time.time() < deadline:
    time.sleep(0.1)
    nodes = driver.list_nodes()
check([n.id for n in nodes] == [node.id], "listed nodes")
listed = nodes[0]
check(listed.state == NodeState.RUNNING, "node not running after create_node started it: " + str(listed.state))
check(listed.extra["cores"] == 2 and listed.extra["memory"] == 2048, "cores and memory")
relations = listed.extra["relations"]
check(len(relations["storages"]) == 1 and len(relations["public_ips"]) == 1, "node relations")
check(len(relations["networks"]) == 1 and relations["networks"][0]["public_net"], "node network")
step("list_nodes", listed.state)

volumes = driver.list_volumes()
check(len(volumes) == 1, "one volume")
volume = volumes[0]
check(volume.extra["relations"]["servers"][0]["object_uuid"] == node.id, "volume shows its server")
step("list_volumes", volume.name)

ips = driver.ex_list_ips()
check(len(ips) == 1 and ips[0].family == 4, "one IPv4")
check(ips[0].extra["relations"]["servers"][0]["server_uuid"] == node.id, "ip shows its server")
step("ex_list_ips", ips[0].ip_address)

networks = driver.ex_list_networks()
check(any(s["object_uuid"] == node.id for s in networks[0].relations["servers"]), "network shows the server")
step("ex_list_networks (linked)")

snapshot = driver.create_volume_snapshot(volume, "fidelity-snapshot")
check(snapshot.name == "fidelity-snapshot", "snapshot name")
snapshots = driver.list_volume_snapshots(volume)
check([s.id for s in snapshots] == [snapshot.id], "listed snapshots")
check(snapshots[0].extra["parent_uuid"] == volume.id, "snapshot parent")
step("create_volume_snapshot + list_volume_snapshots", snapshot.id)

check(driver.ex_rename_node(node, "fidelity-renamed"), "rename answered 204")
check(driver.list_nodes()[0].name == "fidelity-renamed", "renamed")
step("ex_rename_node")

check(driver.ex_rename_volume(volume, "fidelity-volume"), "rename volume answered 204")
step("ex_rename_volume")

check(driver.ex_start_node(node), "start answered 204")
step("ex_start_node")

extra_volume = driver.create_volume(size=5, name="fidelity-extra", location=location)
check(extra_volume.size == 5, "extra volume size")
step("create_volume", extra_volume.id)

check(driver.destroy_node(node, ex_destroy_associated_resources=True), "destroy answered 204")
check(driver.list_nodes() == [], "node gone")
remaining = [v.id for v in driver.list_volumes()]
check(remaining == [extra_volume.id], "associated volume gone, the unattached one stays: " + str(remaining))
check(driver.ex_list_ips() == [], "associated ip gone")
step("destroy_node with associated resources")

check(driver.destroy_volume(extra_volume), "destroy volume answered 204")
check(driver.list_volumes() == [], "no volume left")
step("destroy_volume")

print("FIDELITY OK", flush=True)
