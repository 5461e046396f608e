// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @notice A token whose reads are hostile (an issuer gone rogue, a bad upgrade):
///         - ReturnBomb: `balanceOf` / `allowance` return as much data as the gas they get can pay for;
///         - BurnGas: they consume all the gas they get (INVALID);
///         - Short: they answer with 31 bytes, less than the word a balance is.
///         Its `transfer` works normally, so it can be capped and used before it turns.
contract HostileToken {
    enum Mode {
        Honest,
        ReturnBomb,
        BurnGas,
        Short
    }

    Mode public mode;
    mapping(address => uint256) private _balances;

    function setMode(Mode mode_) external {
        mode = mode_;
    }

    function mint(address to, uint256 amount) external {
        _balances[to] += amount;
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        _balances[msg.sender] -= amount;
        _balances[to] += amount;
        return true;
    }

    function balanceOf(address account) external view returns (uint256) {
        _misbehave();
        return _balances[account];
    }

    function allowance(address, address) external view returns (uint256) {
        _misbehave();
        return 0;
    }

    function _misbehave() internal view {
        Mode m = mode;
        if (m == Mode.BurnGas) {
            assembly {
                invalid()
            }
        }
        if (m == Mode.Short) {
            assembly {
                mstore(0, 0)
                return(0, 31)
            }
        }
        if (m == Mode.ReturnBomb) {
            assembly {
                // Grow the payload (in words) while its memory cost, 3w + w^2/512, stays within the gas left.
                let w := 32
                for {} lt(add(mul(6, w), div(mul(mul(2, w), mul(2, w)), 512)), sub(gas(), 5000)) {} {
                    w := mul(2, w)
                }
                return(0, mul(w, 32))
            }
        }
    }
}
